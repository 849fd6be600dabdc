// Types of pack-release.mjs, for the tests that install the packages as a release publishes them.
/** The tarballs of one platform's release: each package and its per-platform package. */
export interface ReleaseTarballs {
  native: string
  nativePlatform: string
  cli: string
  cliPlatform: string
}
/** Packs both packages with this platform's addon package into `outDir`. */
export function packRelease(outDir: string): ReleaseTarballs
/** napi-rs's name for this machine's platform: `linux-x64-gnu`, `darwin-arm64`, … */
export function hostPlatform(): string
/** `x86_64-unknown-linux-gnu` → `linux-x64-gnu`. */
export function napiPlatform(triple: string): string
