import { errorFromBody } from './errors.js'
import { functionMeta, functionName, toJSONSchema } from './functions.js'
import type { EngineConfig, EntryConfig, MetadataFile, RouteConfig, SessionConfig } from './generated/contract.js'
import { errorAnswer, type HttpAnswer, type HttpRequestLike, type WireAnswer } from './http/answer.js'
import { answerForThrow, invokeForHttp, invokeInProcess, type InvokeEnv } from './invoke.js'
import { loadMetadata, metadataInputSchema } from './metadata.js'
import { addEntry, check, createEngine, handle, invoke, maxBodyBytes, owns, type EngineHandle } from './native.js'
import type { AnyAPIFunction, InputOf, InvocationContext, OutputOf, RequestHeaders, Session, SessionServices } from './types.js'
import { registeredRoutes, type RouteWiring } from './wiring.js'

const NO_BODY = new Uint8Array(0)

/** What `handle` and `invoke` take after the engine (and the entry): the request's parts. */
type RequestArgs = Parameters<typeof handle> extends [unknown, ...infer Rest] ? Rest : never

/** How an app is set up. */
export interface AppOptions {
  /** Services made once at start-up and shared by every invocation. */
  singletonServices?: Record<string, unknown>
  /** Makes per-invocation services; their `close()` runs when the invocation ends. */
  createSessionServices?: (
    singletons: any,
    session: Session | undefined,
    context: InvocationContext,
  ) => SessionServices | Promise<SessionServices>
  /** Finds the session of a request from its headers (until sessions are decoded natively). */
  getSession?: (headers: RequestHeaders) => Session | undefined | Promise<Session | undefined>
  /** The code generator's metadata file (a path or the parsed object): input schemas by route. */
  metadata?: string | MetadataFile
  /**
   * Sessions decoded by the engine: a JWT from `Authorization: Bearer` or from `cookie`,
   * verified with one fixed algorithm (`alg: none` and algorithm confusion refused), `exp` /
   * `nbf` with leeway, `iss` / `aud` when set. A bad token answers 401 InvalidSessionError.
   */
  session?: SessionConfig
  /** The largest accepted body in bytes (default 1 MiB). */
  maxBodyBytes?: number
  /** Where unhandled errors are logged (default `console`). */
  logger?: { error(message: string, ...args: unknown[]): void }
  /** Hides messages and stacks of unknown errors (default: `NODE_ENV === 'production'`). */
  production?: boolean
  /** The routes to serve (default: every `addRoute` made so far). */
  routes?: readonly RouteWiring[]
}

/** Options of a call that skips routing (Next.js file routes, per-route Express handlers, `call`). */
export interface EntryOptions {
  /** Whether a session is required (default true, as for routes). */
  auth?: boolean
}

/**
 * An app: the engine built from the wirings, and the functions it runs. Adapters hand it
 * requests; `call` runs a function in-process.
 *
 * ```ts
 * const app = createApp({ singletonServices: { db } })
 * http.createServer(createRequestListener(app)).listen(3000)
 * ```
 */
export class PikkuApp {
  /** The native engine's handle (for benchmarks). */
  readonly engine: EngineHandle
  /** The body limit in bytes. */
  readonly maxBodyBytes: number
  private readonly env: InvokeEnv
  private readonly getSession: AppOptions['getSession']
  private readonly readsSessions: boolean
  private readonly metadata: MetadataFile | undefined
  private readonly targets: AnyAPIFunction[]
  private readonly entries = new Map<AnyAPIFunction, Map<boolean, number>>()

  constructor(options: AppOptions = {}) {
    this.env = {
      singletonServices: options.singletonServices ?? {},
      createSessionServices: options.createSessionServices,
      production: options.production ?? process.env.NODE_ENV === 'production',
      logger: options.logger ?? console,
    }
    this.getSession = options.getSession
    this.metadata = options.metadata === undefined ? undefined : loadMetadata(options.metadata)
    const routes = options.routes ?? registeredRoutes()
    const config: EngineConfig = { routes: [], entries: [], schemas: {} }
    if (options.maxBodyBytes !== undefined) config.maxBodyBytes = options.maxBodyBytes
    if (options.session) config.session = options.session
    this.readsSessions = options.session !== undefined
    if (this.metadata) Object.assign(config.schemas, this.metadata.schemas)
    const problems: string[] = []
    for (const wiring of routes) {
      const label = `${wiring.method.toUpperCase()} ${wiring.route}`
      const meta = functionMeta(wiring.func)
      if (wiring.auth === false && meta && !meta.sessionless) {
        problems.push(
          `PIKKU_ERR_AUTH: route \`${label}\` has \`auth: false\` but its function needs a session (pikkuFunc); define it with pikkuSessionlessFunc or drop \`auth: false\``,
        )
      }
      const route: RouteConfig = { method: wiring.method, route: wiring.route, auth: wiring.auth ?? true }
      const name = functionName(wiring.func)
      if (name) route.registeredBy = `function \`${name}\``
      const inputSchema = this.schemaName(wiring.func, wiring, config, label)
      if (inputSchema !== undefined) route.inputSchema = inputSchema
      config.routes.push(route)
    }
    if (problems.length) throw new Error(problems.join('\n'))
    this.engine = createEngine(JSON.stringify(config))
    this.maxBodyBytes = maxBodyBytes(this.engine)
    this.targets = routes.map((r) => r.func)
  }

  /** Whether a route matches the path of `url` for some method. */
  owns(url: string): boolean {
    return owns(this.engine, url)
  }

  /** Whether a session hook runs for each request (adapters that share paths check `owns` first). */
  get hasSessionHook(): boolean {
    return this.getSession !== undefined
  }

  /** Answers one routed HTTP request. `body` is the raw body, or `null` when it went over the limit. */
  handleHttp(request: HttpRequestLike, body: Uint8Array | null): Promise<HttpAnswer> {
    return this.serve(request, body, (args) => handle(this.engine, ...args), (target) => this.targets[target]!)
  }

  /** Answers a request routed by the host framework: `params` are its path parameters. */
  invokeHttp(
    func: AnyAPIFunction,
    params: Record<string, string | string[] | undefined>,
    request: HttpRequestLike,
    body: Uint8Array | null,
    options: EntryOptions = {},
  ): Promise<HttpAnswer> {
    const entry = this.entryFor(func, options.auth ?? true)
    const paramsJson = JSON.stringify(params)
    return this.serve(request, body, (args) => invoke(this.engine, entry, paramsJson, ...args), () => func)
  }

  /** The one engine call of a request (routed by `call`), then the function it names. */
  private async serve(
    request: HttpRequestLike,
    body: Uint8Array | null,
    call: (args: RequestArgs) => string,
    funcOf: (target: number) => AnyAPIFunction,
  ): Promise<HttpAnswer> {
    const found = await this.findSession(request)
    if (found.failed) return found.failed
    const session = found.session ?? undefined // a hook may answer null
    const headers = request.headers
    const wire = JSON.parse(
      call([
        request.method,
        request.url,
        headers.get('content-type'),
        headers.get('x-request-id'),
        this.readsSessions ? headers.get('authorization') : undefined,
        this.readsSessions ? headers.get('cookie') : undefined,
        session != null,
        body ?? NO_BODY,
        body === null,
      ]),
    ) as WireAnswer
    if (wire[0] < 0) return errorAnswer(wire)
    return invokeForHttp(this.env, funcOf(wire[0]), wire[1], session ?? (wire[2] as Session | undefined), request)
  }

  /**
   * Calls a function in-process (server components, server actions, tests), with the same
   * validation and auth gate as over HTTP. Errors are thrown as their classes.
   *
   * ```ts
   * const todo = await app.call(getTodo, { id: 1 }, { session })
   * ```
   */
  async call<F extends AnyAPIFunction>(
    func: F,
    data: InputOf<F>,
    options: { session?: Session } & EntryOptions = {},
  ): Promise<OutputOf<F>> {
    const entry = this.entryFor(func, options.auth ?? true)
    const wire = JSON.parse(check(this.engine, entry, options.session != null, JSON.stringify(data ?? {}))) as WireAnswer
    if (wire[0] < 0) throw errorFromBody(wire[1] as never)
    return (await invokeInProcess(this.env, func, wire[1], options.session)) as OutputOf<F>
  }

  /** Runs the session hook; what it throws is answered through the error table. */
  private async findSession(request: HttpRequestLike): Promise<{ session?: Session; failed?: HttpAnswer }> {
    if (!this.getSession) return {}
    try {
      return { session: await this.getSession(request.headers) }
    } catch (error) {
      return { failed: answerForThrow(this.env, error, request.headers.get('x-request-id')) }
    }
  }

  /**
   * The answer for a failure outside any function (a broken request stream, a bug in an
   * adapter): logged, and a 500 through the error table.
   */
  failure(error: unknown, request: HttpRequestLike): HttpAnswer {
    return answerForThrow(this.env, error, request.headers.get('x-request-id'))
  }

  private entryFor(func: AnyAPIFunction, auth: boolean): number {
    let byAuth = this.entries.get(func)
    const known = byAuth?.get(auth)
    if (known !== undefined) return known
    const meta = functionMeta(func)
    const name = functionName(func) ?? 'anonymous function'
    if (!auth && meta && !meta.sessionless) {
      throw new Error(
        `PIKKU_ERR_AUTH: function \`${name}\` is called with \`auth: false\` but needs a session (pikkuFunc); define it with pikkuSessionlessFunc or drop \`auth: false\``,
      )
    }
    const entry: EntryConfig = { name, auth }
    const named = metadataInputSchema(this.metadata, undefined, name)
    if (named !== undefined && !meta?.input) entry.inputSchema = named
    const inline = meta?.input ? JSON.stringify(toJSONSchema(meta.input)) : undefined
    const index = addEntry(this.engine, JSON.stringify(entry), inline)
    if (!byAuth) this.entries.set(func, (byAuth = new Map()))
    byAuth.set(auth, index)
    return index
  }

  private schemaName(func: AnyAPIFunction, wiring: RouteWiring, config: EngineConfig, label: string): string | undefined {
    const meta = functionMeta(func)
    if (meta?.input) {
      const name = `${label} input`
      config.schemas[name] = toJSONSchema(meta.input)
      return name
    }
    return metadataInputSchema(this.metadata, wiring, functionName(func))
  }
}

/** Builds an app from the wirings made so far. */
export function createApp(options: AppOptions = {}): PikkuApp {
  return new PikkuApp(options)
}
