// How a function object is linked to its name in the metadata, without `Function.name`
// (a minifier renames it, an arrow given to a definer has none). The code generator knows
// each function's module and export; its `pikku-functions.gen.ts` imports them and calls
// `linkFunctions` once, with a getter per function.

import type { AnyAPIFunction } from './types.js'

/** Getters of the functions the code generator found, by their metadata name. */
export type FunctionLinks = Record<string, () => unknown>

const pending: Array<[string, () => unknown]> = []
const linked = new WeakMap<object, string>()
const byName = new Map<string, AnyAPIFunction>()
let given = 0

/**
 * Links functions to their metadata names. Called by the generated `pikku-functions.gen.ts`;
 * import that file once (for its effect) where the app is made.
 *
 * ```ts
 * linkFunctions({ getTodo: () => todos.getTodo })
 * ```
 *
 * The getters run when an app looks a function up, not here: the generated module may be
 * imported by the very module that defines the functions, before they exist.
 */
export function linkFunctions(links: FunctionLinks): void {
  for (const entry of Object.entries(links)) pending.push(entry)
  given += Object.keys(links).length
}

/** The metadata name the generated links give `func`, if any. */
export function linkedName(func: AnyAPIFunction): string | undefined {
  const known = linked.get(func)
  if (known !== undefined || pending.length === 0) return known
  resolvePending()
  return linked.get(func)
}

/** Resolves what can be resolved now; a getter whose module is still being evaluated stays. */
function resolvePending(): void {
  for (let i = pending.length - 1; i >= 0; i--) {
    const [name, get] = pending[i]!
    let value: unknown
    try {
      value = get()
    } catch {
      continue // still in its temporal dead zone
    }
    if (typeof value === 'function') {
      linked.set(value, name)
      byName.set(name, value as AnyAPIFunction)
      pending.splice(i, 1)
    }
  }
}

/** Every linked function that can be resolved now, by its metadata name. */
export function linkedFunctions(): ReadonlyMap<string, AnyAPIFunction> {
  if (pending.length > 0) resolvePending()
  return byName
}

/** Whether generated links were given (for the fix a missing schema suggests). */
export function hasFunctionLinks(): boolean {
  return given > 0
}
