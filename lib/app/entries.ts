// Engine entries: a function called without the engine's routing (in-process calls, routes
// of a host framework, channel handlers) is an entry with its own auth gate and input schema.

import { functionLabel, functionMeta } from '../functions.js'
import type { EntryConfig } from '../generated/contract.js'
import { addEntry, type EngineHandle } from '../native.js'
import { isProblem, type SchemaLinks } from '../schema-links.js'
import { PikkuStartupError, type StartupProblem } from '../startup-error.js'
import type { AnyAPIFunction } from '../types.js'

/**
 * The engine entry of `func`, and its inline schema if any; throws a `PikkuStartupError`
 * when it needs a session without auth, or has no input schema. `subject` names the use in
 * the problems; `wiredName` is the name a recorded wiring gives it.
 */
export function entryConfig(
  links: SchemaLinks,
  func: AnyAPIFunction,
  auth: boolean,
  subject: string,
  wiredName?: string,
): { entry: EntryConfig; inline?: unknown } {
  const meta = functionMeta(func)
  const name = links.nameOf(func) ?? wiredName ?? functionLabel(func)
  const problems: StartupProblem[] = []
  if (!auth && meta && !meta.sessionless) {
    problems.push({
      code: 'PIKKU_ERR_AUTH',
      subject,
      message: 'it is called with `auth: false` but its function needs a session (pikkuFunc)',
      fix: 'define it with pikkuSessionlessFunc or drop `auth: false`',
    })
  }
  const plan = links.input(func, subject, wiredName)
  if (isProblem(plan)) problems.push(plan)
  if (problems.length > 0 || isProblem(plan)) throw new PikkuStartupError(problems)
  if (wiredName !== undefined) links.learn(func, wiredName)
  const entry: EntryConfig = { name, auth }
  if (plan.kind === 'named') entry.inputSchema = plan.schema
  return plan.kind === 'inline' ? { entry, inline: plan.schema } : { entry }
}

/** The entries added to a built engine, one per function and auth gate, made on first use. */
export class Entries {
  private readonly known = new Map<AnyAPIFunction, Map<boolean, number>>()

  constructor(
    private readonly engine: EngineHandle,
    private readonly links: SchemaLinks,
  ) {}

  /** The entry's index; `usedBy` names its use in a start-up problem. */
  index(func: AnyAPIFunction, auth: boolean, usedBy?: string): number {
    let byAuth = this.known.get(func)
    const known = byAuth?.get(auth)
    if (known !== undefined) return known
    const { entry, inline } = entryConfig(this.links, func, auth, usedBy ?? `function \`${functionLabel(func)}\``)
    const index = addEntry(this.engine, JSON.stringify(entry), inline === undefined ? undefined : JSON.stringify(inline))
    if (!byAuth) this.known.set(func, (byAuth = new Map()))
    byAuth.set(auth, index)
    return index
  }
}
