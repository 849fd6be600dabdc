import { ForbiddenError } from './errors.js'
import type { Session } from './types.js'

/**
 * A named check that allows or denies an invocation. It runs after validation, with the
 * singleton services, the validated input and the session.
 *
 * ```ts
 * const isAdmin: Permission = (_services, _data, session) => session?.role === 'admin'
 * ```
 */
export type Permission<In = any> = (
  services: any,
  data: In,
  session: Session | undefined,
) => boolean | Promise<boolean>

/**
 * Permissions of a function or a route: the keys are OR'ed (one passing key allows), the
 * checks in an array under one key are AND'ed.
 *
 * ```ts
 * permissions: { admin: isAdmin, owner: [isSignedIn, ownsTodo] }   // admin OR (signed in AND owner)
 * ```
 */
export type Permissions<In = any> = Record<string, Permission<In> | readonly Permission<In>[]>

/** What one invocation must pass: every global check, then each level's permissions. */
export interface PermissionPlan {
  /** App-wide checks, all of which must pass. */
  global: readonly Permission[]
  /** The route's, then the function's permissions (each level must pass). */
  levels: readonly Permissions[]
}

/**
 * Whether an invocation is allowed. Returns the name of what denied it (`global #1`, or the
 * keys of the level that no key satisfied), or `undefined` when allowed.
 */
export async function deniedBy(plan: PermissionPlan, services: unknown, data: unknown, session: Session | undefined): Promise<string | undefined> {
  for (const [index, check] of plan.global.entries()) {
    if ((await check(services, data, session)) !== true) return `global permission #${index + 1}`
  }
  for (const permissions of plan.levels) {
    const keys = Object.keys(permissions)
    if (keys.length === 0) continue
    let allowed = false
    for (const key of keys) {
      if (await allOf(permissions[key]!, services, data, session)) {
        allowed = true
        break
      }
    }
    if (!allowed) return `one of: ${keys.join(', ')}`
  }
  return undefined
}

async function allOf(checks: Permission | readonly Permission[], services: unknown, data: unknown, session: Session | undefined): Promise<boolean> {
  const list = typeof checks === 'function' ? [checks] : checks
  if (list.length === 0) return false // an empty AND under a name would allow anything: refuse it
  for (const check of list) {
    if ((await check(services, data, session)) !== true) return false
  }
  return true
}

/** The 403 of a denied invocation; what denied it is said outside production only. */
export function permissionDenied(label: string, denied: string, production: boolean): ForbiddenError {
  return new ForbiddenError(production ? 'Permission denied' : `Permission denied: ${label} needs ${denied}`)
}
