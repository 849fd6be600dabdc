import type { AppOptions, CallOptions, EntryOptions, RouteHandlerOptions } from './app-options.js'
import { buildApp } from './app/build.js'
import { Entries } from './app/entries.js'
import { InProcess } from './app/in-process.js'
import { setPort } from './app/port.js'
import { ChannelRuntime } from './channel/runtime.js'
import { functionMeta } from './functions.js'
import { HttpPipeline } from './http/pipeline.js'
import type { AnyAPIFunction, InputOf, Logger, OutputOf } from './types.js'

export type { AppOptions, CallOptions, EntryOptions, RouteHandlerOptions } from './app-options.js'

/**
 * An app: the engine built from the wirings, and the functions it runs. Adapters serve it;
 * `call` runs a function in-process.
 *
 * ```ts
 * const app = createApp({ singletonServices: { db } })
 * http.createServer(createRequestListener(app)).listen(3000)
 * ```
 */
export class PikkuApp {
  /** Where the app logs: its `logger` option, or `console`. */
  readonly logger: Logger
  private readonly calls: InProcess

  constructor(options: AppOptions = {}) {
    const built = buildApp(options)
    const entries = new Entries(built.engine, built.links)
    this.logger = built.env.logger
    this.calls = new InProcess(built, entries)
    // A call by name runs as `call` does, with the caller's session; a function that needs a
    // session needs one here too.
    built.env.rpc.run = (func, data, session, depth) =>
      this.calls.call(func, data as never, { session, auth: functionMeta(func)?.sessionless !== true, context: { rpcDepth: depth } })
    setPort(this, { built, http: new HttpPipeline(built, entries), channels: new ChannelRuntime(built), calls: this.calls })
  }

  /**
   * Calls a function in-process (server components, server actions, tests), with the same
   * validation, auth gate and permissions as over HTTP (no HTTP middleware). Errors are
   * thrown as their classes.
   *
   * ```ts
   * const todo = await app.call(getTodo, { id: 1 }, { session })
   * ```
   */
  call<F extends AnyAPIFunction>(func: F, data: InputOf<F>, options: CallOptions = {}): Promise<OutputOf<F>> {
    return this.calls.call(func, data, options)
  }

  /**
   * Checks `data` against `func`'s input schema in the engine, and the auth gate as `call`
   * does, without running anything. Returns the input the function would get (a JSON copy);
   * throws the engine's error as its class — `UnprocessableContentError` (422) with
   * `payload.errors: [{ path, message }]` for invalid data. Queues check jobs with it when
   * they are enqueued.
   *
   * ```ts
   * app.checkInput(sendWelcome, { userId: 42 }, { auth: false })
   * // throws UnprocessableContentError: sendWelcome: Invalid input (1 error): /userId: 42 is not of type "string"
   * ```
   */
  checkInput<F extends AnyAPIFunction>(func: F, data: InputOf<F>, options: Pick<CallOptions, 'auth' | 'session'> = {}): InputOf<F> {
    return this.calls.checkInput(func, data, options)
  }

  /**
   * Makes sure `func` can be called in-process or by a host framework's route: throws a
   * `PikkuStartupError` (`PIKKU_ERR_SCHEMA_MISSING`, `PIKKU_ERR_AUTH`) when its input could
   * not be validated. Adapters call it when a handler is made, so that the problem shows at
   * start-up rather than at the first request.
   *
   * ```ts
   * app.prepare(getNote, { auth: false })
   * ```
   */
  prepare(func: AnyAPIFunction, options: RouteHandlerOptions & { usedBy?: string } = {}): void {
    this.calls.prepare(func, options)
  }
}

/** Builds an app from the wirings made so far; throws `PikkuStartupError` when it cannot start. */
export function createApp(options: AppOptions = {}): PikkuApp {
  return new PikkuApp(options)
}
