// Loads the native addon through the loader napi-rs generates (index.js at the package root),
// and says what to do when there is no addon for this machine: napi-rs's own message only
// suggests installing again, which cannot help on a platform without a prebuilt binary.
import type * as Binding from '../index.js'

/** The platforms a prebuilt addon is published for (the others build from source). */
export const PREBUILT_PLATFORMS = ['linux-x64-gnu'] as const

/** The addon, or a `PIKKU_ERR_BINARY` error naming this platform and the fix. */
export function loadBinding(load: () => unknown = () => require('../index.js')): typeof Binding {
  try {
    return load() as typeof Binding
  } catch (error) {
    throw new Error(missingBinaryMessage(error), { cause: error })
  }
}

/** What failed, where, and how to build the addon from source. */
export function missingBinaryMessage(error: unknown): string {
  const platform = `${process.platform}-${process.arch}${process.platform === 'linux' ? `-${isMusl() ? 'musl' : 'gnu'}` : ''}`
  // napi-rs's message goes on to suggest installing again: its first sentence says what failed.
  const reason = (error instanceof Error ? error.message : String(error)).split(/\.\s|\n/)[0]
  return [
    `PIKKU_ERR_BINARY: @pikku/native could not load its native addon for ${platform} (Node ${process.version}): ${reason}`,
    `  = prebuilt addons: ${PREBUILT_PLATFORMS.join(', ')}`,
    '  = help: build it from source with Rust (rustup) and Node: clone the @pikku/native repository, run `npm ci && npm run build` there,',
    '          and install that checkout in your project (`npm install /path/to/the/checkout`)',
  ].join('\n')
}

/** Whether this Linux runs on musl rather than glibc. */
function isMusl(): boolean {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined
  return report?.header?.glibcVersionRuntime === undefined
}
