// Types of smoke-release.mjs.
import type { ReleaseTarballs } from './pack-release.mjs'
/** What an install of the release tarballs gives, from a new project. */
export interface SmokeFindings {
  project: string
  /** The statuses of a valid and an invalid request: 200 and 422 when it works. */
  statuses: number[]
  body: unknown
  /** The `.node` files that were loaded. */
  addons: string[]
  /** `typeof` the CLI package's Generator. */
  generator: string
}
export function smokeRelease(tarballs: ReleaseTarballs): SmokeFindings
