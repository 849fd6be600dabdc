// Loads the native addon through the loader napi-rs generates (index.js at the package root),
// and says what to do when there is no addon for this machine: napi-rs's own message only
// suggests installing again, which cannot help on a platform without a prebuilt binary.
import type * as Binding from '../index.js'

/**
 * The platforms a release publishes an addon for, each in its package `@pikku/native-<platform>`
 * (an optional dependency that npm installs on that platform only); the others build from
 * source. The same list as `napi.targets` in package.json (release.test.ts checks it).
 */
export const PREBUILT_PLATFORMS = ['linux-x64-gnu', 'linux-x64-musl', 'linux-arm64-gnu', 'linux-arm64-musl', 'darwin-x64', 'darwin-arm64', 'win32-x64-msvc'] as const

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
  const platform = hostPlatform()
  // napi-rs's message goes on to suggest installing again: its first sentence says what failed.
  const reason = (error instanceof Error ? error.message : String(error)).split(/\.\s|\n/)[0]
  const prebuilt = (PREBUILT_PLATFORMS as readonly string[]).includes(platform)
  return [
    `PIKKU_ERR_BINARY: @pikku/native could not load its native addon for ${platform} (Node ${process.version}): ${reason}`,
    `  = prebuilt addons: ${PREBUILT_PLATFORMS.join(', ')}`,
    ...(prebuilt
      ? [
          `  = note: ${platform} has one, in the optional dependency @pikku/native-${platform}, which was not installed: npm leaves optional`,
          '          dependencies out with --omit=optional, and may when package-lock.json was written on another platform;',
          '          install again without --omit=optional, or delete node_modules and package-lock.json and install',
        ]
      : []),
    '  = help: build it from source with Rust (rustup) and Node: clone the @pikku/native repository, run `npm ci && npm run build` there,',
    '          and install that checkout in your project (`npm install /path/to/the/checkout`)',
  ].join('\n')
}

/** napi-rs's name for this machine's platform, as its addons carry it: `linux-x64-gnu`, `darwin-arm64`, … */
export function hostPlatform(): string {
  const abi = process.platform === 'linux' ? (isMusl() ? '-musl' : '-gnu') : process.platform === 'win32' ? '-msvc' : ''
  return `${process.platform}-${process.arch}${abi}`
}

/** Whether this Linux runs on musl rather than glibc. */
function isMusl(): boolean {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined
  return report?.header?.glibcVersionRuntime === undefined
}
