// Functions called in-process (server components, server actions, tests, scheduled tasks and
// queue jobs): the engine checks the input and the auth gate, then permissions and the
// function run, without HTTP.

import type { CallOptions, RouteHandlerOptions } from '../app-options.js'
import { errorFromBody } from '../errors.js'
import { isErrorAnswer, type WireAnswer } from '../http/answer.js'
import { NO_BODY } from '../http/node.js'
import { check, invoke } from '../native.js'
import { isProblem } from '../schema-links.js'
import type { AnyAPIFunction, InputOf, InvocationContext, OutputOf } from '../types.js'
import { inProcessSession } from '../user-session.js'
import type { StartupProblem } from '../startup-error.js'
import { runInApp, timeoutOf, type BuiltApp } from './build.js'
import type { Entries } from './entries.js'

/** In-process calls of one built app; `PikkuApp` hands its public methods to this. */
export class InProcess {
  /** `hasInputSchema` by function: a scheduled run asks on every tick. */
  private readonly schemaKnown = new WeakMap<AnyAPIFunction, boolean>()

  constructor(
    private readonly app: BuiltApp,
    private readonly entries: Entries,
  ) {}

  /** See {@link PikkuApp.call}. */
  async call<F extends AnyAPIFunction>(func: F, data: InputOf<F>, options: CallOptions = {}): Promise<OutputOf<F>> {
    const input = this.checkInput(func, data, options)
    const context: InvocationContext = { ...options.context, userSession: inProcessSession(options.session) }
    return (await runInApp(this.app, func, input, options.session, context, this.limitOf(options.timeoutMs, '`timeoutMs` of app.call'))) as OutputOf<F>
  }

  /**
   * Calls `func` with string values (an MCP prompt's arguments, a resource URI's parameters),
   * read by its schema as path parameters are (`"7"` is 7 where it says integer).
   */
  async callWithStrings(func: AnyAPIFunction, values: Record<string, string>, options: Pick<CallOptions, 'auth' | 'session'> = {}): Promise<unknown> {
    const entry = this.entries.index(func, options.auth ?? true)
    const request = { method: 'GET', url: '/', paramsJson: JSON.stringify(values), hasSession: options.session != null, body: NO_BODY, bodyTooLarge: false }
    const wire = JSON.parse(invoke(this.app.engine, entry, request)) as WireAnswer
    if (isErrorAnswer(wire)) throw errorFromBody(wire[1])
    return runInApp(this.app, func, wire[1], options.session, { userSession: inProcessSession(options.session) })
  }

  /** See {@link PikkuApp.checkInput}. */
  checkInput<F extends AnyAPIFunction>(func: F, data: InputOf<F>, options: Pick<CallOptions, 'auth' | 'session'> = {}): InputOf<F> {
    const entry = this.entries.index(func, options.auth ?? true)
    const wire = JSON.parse(check(this.app.engine, entry, options.session != null, JSON.stringify(data ?? {}))) as WireAnswer
    if (isErrorAnswer(wire)) throw errorFromBody(wire[1])
    return wire[1] as InputOf<F>
  }

  /** See {@link PikkuApp.prepare}. */
  prepare(func: AnyAPIFunction, options: RouteHandlerOptions & { usedBy?: string } = {}): void {
    this.entries.index(func, options.auth ?? true, options.usedBy)
    this.limitOf(options.timeoutMs, `\`timeoutMs\` of the ${options.usedBy ?? 'handler'}`)
  }

  /** Whether `func` has an input schema: given on it, or the code generator's (found once). */
  hasInputSchema(func: AnyAPIFunction): boolean {
    let known = this.schemaKnown.get(func)
    if (known === undefined) {
      const plan = this.app.links.input(func, '')
      known = !isProblem(plan) && (plan.kind === 'inline' || plan.kind === 'named')
      this.schemaKnown.set(func, known)
    }
    return known
  }

  /**
   * Runs a scheduled task's function. Its input is `{}`, made here rather than sent by
   * anyone: checked against the function's schema when it has one (defaults apply), else
   * given as is.
   */
  runScheduled(func: AnyAPIFunction, context: Omit<InvocationContext, 'userSession' | 'http'>, timeoutMs = 0): Promise<unknown> {
    if (this.hasInputSchema(func)) return this.call(func, {} as never, { auth: false, context, timeoutMs })
    return runInApp(this.app, func, {}, undefined, { ...context, userSession: inProcessSession(undefined) }, timeoutMs)
  }

  /** A `timeoutMs` given to a call or handler, checked (a RangeError naming `subject` otherwise); 0 when not given. */
  private limitOf(timeoutMs: unknown, subject: string): number {
    if (timeoutMs === undefined) return 0
    const problems: StartupProblem[] = []
    const limit = timeoutOf(timeoutMs, subject, problems)
    if (limit === undefined) throw new RangeError(`${problems[0]!.code}: ${problems[0]!.subject}: ${problems[0]!.message}`)
    return limit
  }

}
