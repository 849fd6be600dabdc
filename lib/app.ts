import { MissingSessionError, errorFromBody } from './errors.js'
import type { ErrorBody } from './generated/contract.js'
import { functionMeta, functionName, toJSONSchema } from './functions.js'
import type { EngineConfig, EntryConfig, MetadataFile, RouteConfig } from './generated/contract.js'
import { errorAnswer, internalErrorAnswer, type HttpAnswer, type HttpRequestLike, type WireAnswer } from './http/answer.js'
import { NO_BODY } from './http/node.js'
import { serveDecision, type Decision, type Deliver, type Fail, type HttpTarget } from './http/serve.js'
import { answerForThrow, describeThrow, invokeFunction, type InvokeEnv } from './invoke.js'
import { metadataChannelFunction } from './metadata.js'
import { isProblem, SchemaLinks } from './schema-links.js'
import { engineProblems, throwProblems, type StartupProblem } from './startup-error.js'
import { patternMiddleware, registeredMiddleware, type PatternMiddleware, type PikkuMiddleware } from './middleware.js'
import { DEFAULT_ROUTING_KEY, planChannels, type HandlerTarget } from './channel/plan.js'
import { registeredChannels, type ChannelWiring } from './channel/wiring.js'
import { isPreflight } from './cors.js'
import {
  addEntry,
  apiKeyHeader,
  channelConnect,
  channelMessage,
  check,
  createEngine,
  handlerFor,
  invoke,
  maxBodyBytes,
  owns,
  sessionCookie,
  type EngineHandle,
} from './native.js'
import { deniedBy, permissionDenied, type Permission, type PermissionPlan } from './permissions.js'
import type { AnyAPIFunction, InputOf, InvocationContext, Logger, OutputOf, Session } from './types.js'
import { checkedSession, inProcessSession } from './user-session.js'
import { registeredRoutes, type RouteWiring } from './wiring.js'

import type { AppOptions, CallOptions, EntryOptions } from './app-options.js'

export type { AppOptions, CallOptions, EntryOptions } from './app-options.js'

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
  /** The native engine, an opaque handle that every native call of this app takes. */
  readonly engine: EngineHandle
  /** The body limit in bytes. */
  readonly maxBodyBytes: number
  /** The engine's per-request call, bound to this app's engine. */
  private readonly handle: ReturnType<typeof handlerFor>
  /** Where the app logs: its `logger` option, or `console`. */
  readonly logger: Logger
  private readonly env: InvokeEnv
  /** The config the engine was built from (JSON), for the standalone server's own engine. */
  private readonly engineConfig: string
  private readonly enrichSession: AppOptions['enrichSession']
  private readonly readsSessions: boolean
  private readonly apiKeyHeader: string | null
  private readonly globalChain: readonly PikkuMiddleware[]
  private readonly scopedMiddleware: readonly PatternMiddleware[]
  private readonly globalPermissions: readonly Permission[]
  private readonly links: SchemaLinks
  private readonly routeTargets: RouteTarget[]
  private readonly entries = new Map<AnyAPIFunction, Map<boolean, number>>()
  private readonly channelWirings: readonly ChannelWiring[]
  /** Channel message handlers by engine target: the function and the routing key's value. */
  private readonly handlerTargets = new Map<number, HandlerTarget>()
  /** Each channel's routing key, by channel index. */
  private readonly routingKeys: readonly string[]
  private readonly cookieFor = (session: Session | undefined) =>
    sessionCookie(this.engine, session === undefined ? null : JSON.stringify(session))

  constructor(options: AppOptions = {}) {
    this.env = {
      singletonServices: options.singletonServices ?? {},
      createSessionServices: options.createSessionServices,
      production: options.production ?? process.env.NODE_ENV === 'production',
      logger: options.logger ?? console,
    }
    this.logger = this.env.logger
    this.enrichSession = options.enrichSession
    this.globalPermissions = options.permissions ?? []
    const registered = registeredMiddleware()
    this.globalChain = [...(options.middleware ?? []), ...registered.global]
    this.scopedMiddleware = registered.scoped
    this.links = new SchemaLinks(options.metadata)
    const metadata = this.links.metadata
    const routes = options.routes ?? registeredRoutes()
    const config: EngineConfig = { routes: [], entries: [], schemas: {}, channels: [] }
    if (options.maxBodyBytes !== undefined) config.maxBodyBytes = options.maxBodyBytes
    if (options.session) config.session = options.session
    this.readsSessions = options.session !== undefined
    if (metadata) Object.assign(config.schemas, metadata.schemas)
    const problems: StartupProblem[] = []
    this.routeTargets = []
    for (const wiring of routes) {
      const label = `${wiring.method.toUpperCase()} ${wiring.route}`
      const meta = functionMeta(wiring.func)
      if (wiring.auth === false && meta && !meta.sessionless) {
        problems.push({
          code: 'PIKKU_ERR_AUTH',
          subject: `route \`${label}\``,
          message: 'it has `auth: false` but its function needs a session (pikkuFunc)',
          fix: 'define it with pikkuSessionlessFunc or drop `auth: false`',
        })
      }
      const route: RouteConfig = { method: wiring.method, route: wiring.route, auth: wiring.auth ?? true }
      const name = functionName(wiring.func)
      if (name) route.registeredBy = `function \`${name}\``
      const wired = this.links.routeFunction(wiring.method, wiring.route)
      const plan = this.links.input(wiring.func, `route \`${label}\` (function \`${name ?? 'anonymous'}\`)`, wired)
      if (isProblem(plan)) problems.push(plan)
      else if (plan.kind === 'named') route.inputSchema = plan.schema
      else if (plan.kind === 'inline') {
        route.inputSchema = `${label} input`
        config.schemas[route.inputSchema] = plan.schema
      }
      if (wired !== undefined) this.links.learn(wiring.func, wired)
      config.routes.push(route)
      const own = [...(wiring.middleware ?? []), ...(meta?.middleware ?? [])]
      const permissions = this.permissionPlan(wiring.func, wiring.permissions)
      const target: HttpTarget = { func: wiring.func, label, route: wiring.route, chain: [...this.globalChain, ...own], permissions }
      this.routeTargets.push({ target, own, auth: route.auth })
    }
    this.channelWirings = options.channels ?? registeredChannels()
    const planner = {
      entryConfig: (func: AnyAPIFunction, auth: boolean, subject: string, wiredName?: string) => this.entryConfig(func, auth, subject, wiredName),
      metadataFunction: (channel: string, value: string | undefined) => metadataChannelFunction(metadata, channel, value),
    }
    config.channels = planChannels(this.channelWirings, config, planner, this.handlerTargets, problems)
    this.routingKeys = config.channels.map((c) => c.routingKey ?? DEFAULT_ROUTING_KEY)
    throwProblems(problems)
    this.engineConfig = JSON.stringify(config)
    try {
      this.engine = createEngine(this.engineConfig)
    } catch (error) {
      throw engineProblems(error)
    }
    this.handle = handlerFor(this.engine)
    this.maxBodyBytes = maxBodyBytes(this.engine)
    this.apiKeyHeader = apiKeyHeader(this.engine)
  }

  /** Whether a route matches the path of `url` for some method. */
  owns(url: string): boolean {
    return owns(this.engine, url)
  }

  /**
   * Answers one routed HTTP request. `body` is the raw body, or `null` when it went over the
   * limit. With `fallThrough` (Express), a path without a route answers `unmatched` at once
   * (no middleware runs) unless it is a CORS preflight.
   */
  handleHttp(request: HttpRequestLike, body: Uint8Array | null, options: { fallThrough?: boolean } = {}): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => this.serve(request, body, undefined, undefined, options.fallThrough === true, resolve, reject))
  }

  /**
   * `handleHttp` for an adapter that writes the answer at once: the answer goes to `deliver`
   * (perhaps before this returns), a throw outside any function to `fail` (answer it with
   * `failure`). Neither may throw. It spares a promise and a turn of the microtask queue.
   *
   * ```ts
   * app.respondHttp(request, body, (answer) => write(res, answer), (error) => write(res, app.failure(error, request)))
   * ```
   */
  respondHttp(request: HttpRequestLike, body: Uint8Array | null, deliver: Deliver, fail: Fail): void {
    this.serve(request, body, undefined, undefined, false, deliver, fail)
  }

  /**
   * Answers a request that the standalone server already put through an engine built from
   * this app's config: `wire` is that engine's answer. `body` travels only when the session
   * hook may supply a missing session (the engine is then asked again): base64, or `null`
   * when it went over the limit. The answer goes to `deliver`, a throw outside any function
   * to `fail`, as for `respondHttp`.
   */
  answerRouted(request: HttpRequestLike, wire: WireAnswer, body: string | null | undefined, deliver: Deliver, fail: Fail): void {
    const bytes = body === undefined ? NO_BODY : body === null ? null : Buffer.from(body, 'base64')
    this.serve(request, bytes, undefined, wire, false, deliver, fail)
  }

  /**
   * What the standalone server needs to route by itself: the engine config (it builds an
   * engine of its own), whether the engine's error answers must reach JavaScript (global
   * middleware sees every request), whether a session hook may supply missing sessions, and
   * whether there are channels (the server then serves WebSocket upgrades).
   */
  standaloneSetup(): { config: string; errorsToJs: boolean; sessionHook: boolean; channels: boolean } {
    return { config: this.engineConfig, errorsToJs: this.globalChain.length > 0, sessionHook: this.enrichSession !== undefined, channels: this.channelWirings.length > 0 }
  }

  /** Answers a request routed by the host framework: `params` are its path parameters. */
  invokeHttp(
    func: AnyAPIFunction,
    params: Record<string, string | string[] | undefined>,
    request: HttpRequestLike,
    body: Uint8Array | null,
    options: EntryOptions = {},
  ): Promise<HttpAnswer> {
    const auth = options.auth ?? true
    const host: HostRouted = { func, auth, index: this.entryFor(func, auth), paramsJson: JSON.stringify(params) }
    return new Promise((resolve, reject) => this.serve(request, body, host, undefined, false, resolve, reject))
  }

  /** The target of an engine answer: a route's, or the host-routed function's. */
  private targetOf(index: number, url: string, host: HostRouted | undefined): { target: HttpTarget; auth: boolean } {
    return host === undefined ? this.routed(index, url) : { target: this.hostRoutedTarget(host.func, url), auth: host.auth }
  }

  /** A routed request's target, with the route-pattern middleware that covers it. */
  private routed(index: number, url: string): { target: HttpTarget; auth: boolean } {
    const routeTarget = this.routeTargets[index]!
    if (this.scopedMiddleware.length === 0) return routeTarget
    const { target, own, auth } = routeTarget
    const scoped = patternMiddleware(this.scopedMiddleware, url, target.route)
    if (scoped.length === 0) return routeTarget
    return { target: { ...target, chain: [...this.globalChain, ...scoped, ...own] }, auth }
  }

  /**
   * The engine's one call for a request, parsed: routed by the engine, or by the host
   * (`host`). `body` is `null` when it went over the limit.
   */
  private ask(request: HttpRequestLike, body: Uint8Array | null, hasSession: boolean, host: HostRouted | undefined): WireAnswer {
    const headers = request.headers
    const sessions = this.readsSessions
    const bytes = body ?? NO_BODY
    const contentType = bytes.length === 0 ? undefined : headers.get('content-type') // no body, nothing to parse
    const requestId = headers.get('x-request-id')
    const authorization = sessions ? headers.get('authorization') : undefined
    const cookie = sessions ? headers.get('cookie') : undefined
    const apiKey = this.apiKeyHeader === null ? undefined : headers.get(this.apiKeyHeader)
    if (host !== undefined) {
      const text = invoke(this.engine, host.index, host.paramsJson, request.method, request.url, contentType, requestId, authorization, cookie, apiKey, hasSession, bytes, body === null)
      return JSON.parse(text) as WireAnswer
    }
    // Only the arguments a request has: each one left out is an N-API read spared.
    const { handle } = this
    const answer =
      requestId !== undefined || authorization !== undefined || cookie !== undefined || apiKey !== undefined || hasSession
        ? handle(request.method, request.url, bytes, body === null, contentType, hasSession, requestId, authorization, cookie, apiKey)
        : bytes.length > 0 || body === null
          ? handle(request.method, request.url, bytes, body === null, contentType)
          : handle(request.method, request.url)
    // A run with no input and no session comes as its bare target: nothing to parse.
    return typeof answer === 'number' ? [answer, {}] : (JSON.parse(answer) as WireAnswer)
  }

  /**
   * The engine's call (unless `first` is its answer already), the session hook, then
   * middleware and the function; the answer goes to `deliver`, a throw outside any function
   * to `fail`.
   */
  private serve(
    request: HttpRequestLike,
    body: Uint8Array | null,
    host: HostRouted | undefined,
    first: WireAnswer | undefined,
    fallThrough: boolean,
    deliver: Deliver,
    fail: Fail,
  ): void {
    let unmatched: HttpAnswer | undefined
    try {
      const wire = first ?? this.ask(request, body, false, host)
      if (wire[0] === -404 && fallThrough && !isPreflight(request)) unmatched = errorAnswer(wire)
      else if (this.enrichSession) {
        this.decide(wire, request, body, host).then((decision) => serveDecision(this.env, request, decision, this.cookieFor, deliver, fail), fail)
      } else if (wire[0] < 0) {
        // Without a hook the engine decided everything: no await before the function.
        serveDecision(this.env, request, { failure: errorAnswer(wire), chain: this.globalChain }, this.cookieFor, deliver, fail)
      } else {
        const { target } = this.targetOf(wire[0], request.url, host)
        serveDecision(this.env, request, { target, input: wire[1], session: wire[2] as Session | undefined }, this.cookieFor, deliver, fail)
      }
    } catch (error) {
      return fail(error)
    }
    if (unmatched) deliver(unmatched) // outside the try: `deliver` is not `fail`'s to answer for
  }

  /**
   * The engine's answer, after the session hook. Without a session the engine answers an
   * `auth` route 401 before validating; the hook may then supply one, and the engine is
   * asked again with it.
   */
  private async decide(wire: WireAnswer, request: HttpRequestLike, body: Uint8Array | null, host: HostRouted | undefined): Promise<Decision> {
    const missing = wire[0] === -401 && (wire[1] as { name?: string }).name === 'MissingSessionError'
    if (wire[0] < 0 && !(missing && this.enrichSession)) return { failure: errorAnswer(wire), chain: this.globalChain }
    let session = wire[0] < 0 ? undefined : (wire[2] as Session | undefined)
    if (this.enrichSession) {
      try {
        session = await this.enriched(session, request)
      } catch (error) {
        return { failure: answerForThrow(this.env, error, request.headers.get('x-request-id')), chain: this.globalChain }
      }
      if (missing) {
        if (session === undefined) return { failure: errorAnswer(wire), chain: this.globalChain }
        wire = this.ask(request, body, true, host)
        if (wire[0] < 0) return { failure: errorAnswer(wire), chain: this.globalChain }
      }
    }
    const { target, auth } = this.targetOf(wire[0], request.url, host)
    if (auth && session === undefined) {
      // The hook ended a session the engine had decoded.
      const failure = answerForThrow(this.env, new MissingSessionError(`${target.label} requires a session and the request has none; sign in first`), request.headers.get('x-request-id'))
      return { failure, chain: this.globalChain }
    }
    return { target, input: wire[1], session }
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
  async call<F extends AnyAPIFunction>(
    func: F,
    data: InputOf<F>,
    options: CallOptions = {},
  ): Promise<OutputOf<F>> {
    const input = this.checkInput(func, data, options)
    const context: InvocationContext = { ...options.context, userSession: inProcessSession(options.session) }
    return (await this.runEvent(func, input, options.session, context)) as OutputOf<F>
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
    const entry = this.entryFor(func, options.auth ?? true)
    const wire = JSON.parse(check(this.engine, entry, options.session != null, JSON.stringify(data ?? {}))) as WireAnswer
    if (wire[0] < 0) throw errorFromBody(wire[1] as never)
    return wire[1] as InputOf<F>
  }

  /**
   * Runs a scheduled task's function. Its input is `{}`, made here rather than sent by
   * anyone: checked against the function's schema when it has one (defaults apply), else
   * given as is.
   */
  runScheduled(func: AnyAPIFunction, context: Omit<InvocationContext, 'userSession' | 'http'>): Promise<unknown> {
    if (this.hasInputSchema(func)) return this.call(func, {} as never, { auth: false, context })
    return this.runEvent(func, {}, undefined, { ...context, userSession: inProcessSession(undefined) })
  }

  /** Whether `func` has an input schema: given on it, or the code generator's. */
  hasInputSchema(func: AnyAPIFunction): boolean {
    const plan = this.links.input(func, '')
    return !isProblem(plan) && (plan.kind === 'inline' || plan.kind === 'named')
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
  prepare(func: AnyAPIFunction, options: EntryOptions & { usedBy?: string } = {}): void {
    this.entryFor(func, options.auth ?? true, options.usedBy)
  }

  /**
   * The answer for a failure outside any function (a broken request stream, a bug in an
   * adapter): logged, and a 500 through the error table. It never throws: an error that
   * cannot even be described (a BigInt in its payload, say) is a plain 500.
   */
  failure(error: unknown, request: HttpRequestLike): HttpAnswer {
    try {
      return answerForThrow(this.env, error, request.headers.get('x-request-id'))
    } catch {
      return internalErrorAnswer()
    }
  }

  /** A function routed by the host framework: route-pattern middleware matched on the path. */
  private hostRoutedTarget(func: AnyAPIFunction, url: string): HttpTarget {
    const chain = [...this.globalChain, ...patternMiddleware(this.scopedMiddleware, url), ...(functionMeta(func)?.middleware ?? [])]
    return { func, label: labelOf(func), chain, permissions: this.permissionPlan(func) }
  }

  private permissionPlan(func: AnyAPIFunction, route?: RouteWiring['permissions']): PermissionPlan {
    const levels = [route, functionMeta(func)?.permissions].filter((p) => p !== undefined)
    return { global: this.globalPermissions, levels }
  }

  /** The engine entry of `func`; `usedBy` names its use in a start-up problem. */
  private entryFor(func: AnyAPIFunction, auth: boolean, usedBy?: string): number {
    let byAuth = this.entries.get(func)
    const known = byAuth?.get(auth)
    if (known !== undefined) return known
    const { entry, inline } = this.entryConfig(func, auth, usedBy ?? `function \`${labelOf(func)}\``)
    const index = addEntry(this.engine, JSON.stringify(entry), inline === undefined ? undefined : JSON.stringify(inline))
    if (!byAuth) this.entries.set(func, (byAuth = new Map()))
    byAuth.set(auth, index)
    return index
  }

  /**
   * The engine entry of a function called without routing, and its inline schema if any;
   * throws a `PikkuStartupError` when it needs a session without auth or has no schema.
   */
  private entryConfig(func: AnyAPIFunction, auth: boolean, subject: string, wiredName?: string): { entry: EntryConfig; inline?: unknown } {
    const meta = functionMeta(func)
    const name = this.links.nameOf(func) ?? wiredName ?? labelOf(func)
    const problems: StartupProblem[] = []
    if (!auth && meta && !meta.sessionless) {
      problems.push({
        code: 'PIKKU_ERR_AUTH',
        subject,
        message: 'it is called with `auth: false` but its function needs a session (pikkuFunc)',
        fix: 'define it with pikkuSessionlessFunc or drop `auth: false`',
      })
    }
    const plan = this.links.input(func, subject, wiredName)
    if (isProblem(plan)) problems.push(plan)
    throwProblems(problems)
    if (wiredName !== undefined) this.links.learn(func, wiredName)
    const entry: EntryConfig = { name, auth }
    if (!isProblem(plan) && plan.kind === 'named') entry.inputSchema = plan.schema
    return !isProblem(plan) && plan.kind === 'inline' ? { entry, inline: plan.schema } : { entry }
  }

  /**
   * The channel of a WebSocket upgrade request and its session: decoded by the engine as for
   * HTTP (plus `session.jwtQuery`), then the app's `enrichSession` hook, then the channel's
   * auth gate. Otherwise the HTTP answer that refuses the upgrade.
   */
  async connectChannel(request: HttpRequestLike): Promise<{ channel: ChannelWiring; params: Record<string, string>; session: Session | undefined; index: number } | { refused: HttpAnswer }> {
    const headers = request.headers
    const wire = JSON.parse(
      channelConnect(
        this.engine,
        request.url,
        headers.get('x-request-id'),
        this.readsSessions ? headers.get('authorization') : undefined,
        this.readsSessions ? headers.get('cookie') : undefined,
        this.apiKeyHeader === null ? undefined : headers.get(this.apiKeyHeader),
        this.enrichSession !== undefined, // the hook decides on a missing session
      ),
    ) as WireAnswer
    if (wire[0] < 0) return { refused: errorAnswer(wire) }
    const channel = this.channelWirings[wire[0]]!
    let session = wire[2] as Session | undefined
    if (this.enrichSession) {
      try {
        session = await this.enriched(session, request)
        if ((channel.auth ?? true) && session === undefined) {
          throw new MissingSessionError(`Channel \`${channel.name}\` requires a session and the upgrade request has none; sign in first`)
        }
      } catch (error) {
        return { refused: answerForThrow(this.env, error, headers.get('x-request-id')) }
      }
    }
    return { channel, index: wire[0], params: wire[1] as Record<string, string>, session }
  }

  /** The session after the app's `enrichSession` hook (call only when there is one). */
  private async enriched(session: Session | undefined, request: HttpRequestLike): Promise<Session | undefined> {
    const info = { method: request.method, url: request.url, headers: request.headers }
    return checkedSession(await this.enrichSession!(session, info, this.env.singletonServices))
  }

  /**
   * Runs message number `seq` of a connection to channel `index`: routed and validated by the
   * engine, then permissions and the handler. Every message gets one reply, which carries its
   * `seq`: `{ seq, action, data }` (`data: null` when the handler returned nothing) or
   * `{ seq, action, error }`.
   */
  async channelMessage(index: number, seq: number, text: string, context: InvocationContext & { channel: NonNullable<InvocationContext['channel']> }): Promise<string> {
    const session = context.userSession.get()
    const wire = JSON.parse(channelMessage(this.engine, index, text, session !== undefined)) as WireAnswer
    if (wire[0] < 0) {
      return JSON.stringify({ seq, ...routedValue(text, this.routingKeys[index] ?? DEFAULT_ROUTING_KEY), error: wire[1] as ErrorBody })
    }
    const handler = this.handlerTargets.get(wire[0])!
    // The reply as text around the result's JSON: an object made by spreading a tag sends
    // `JSON.stringify` down its slow path (3× the time of the whole reply, measured).
    const head = `{"seq":${seq}${handler.replyTag}`
    try {
      const result = await this.runEvent(handler.func, wire[1], session, context)
      return `${head},"data":${JSON.stringify(result ?? null) ?? 'null'}}`
    } catch (error) {
      return `${head},"error":${JSON.stringify(this.errorBody(error))}}`
    }
  }

  /**
   * Runs a channel's lifecycle function (`onConnect`, `onDisconnect`) with the route's params.
   * What it throws is rethrown (an `onConnect` throw refuses the connection).
   */
  async channelEvent(func: AnyAPIFunction, params: Record<string, string>, context: InvocationContext): Promise<void> {
    await this.runEvent(func, params, context.userSession.get(), context)
  }

  /** The error body for a thrown value, through the error table (unknown throws are logged). */
  errorBody(error: unknown): ReturnType<typeof describeThrow>['body'] {
    return describeThrow(this.env, error, undefined).body
  }

  /** Permissions, then the function, with an input the engine already checked. */
  private async runEvent(func: AnyAPIFunction, input: unknown, session: Session | undefined, context: InvocationContext): Promise<unknown> {
    const denied = await deniedBy(this.permissionPlan(func), this.env.singletonServices, input, session)
    if (denied !== undefined) throw permissionDenied(labelOf(func), denied, this.env.production)
    return invokeFunction(this.env, func, input, session, context)
  }

}

/** A function the host framework routed: its engine entry, path parameters and auth gate. */
interface HostRouted {
  func: AnyAPIFunction
  auth: boolean
  index: number
  paramsJson: string
}

/** A routed target, with the middleware of its route and function. */
interface RouteTarget {
  /** The target with global, route and function middleware (route patterns added per request). */
  target: HttpTarget
  /** Route and function middleware. */
  own: readonly PikkuMiddleware[]
  auth: boolean
}

/** The routing key and value of a message that failed, when it has them (for the reply). */
function routedValue(text: string, key: string): Record<string, string> {
  try {
    const value = (JSON.parse(text) as Record<string, unknown>)[key]
    return typeof value === 'string' ? { [key]: value } : {}
  } catch {
    return {}
  }
}

/** A function's name for messages. */
function labelOf(func: AnyAPIFunction): string {
  return functionName(func) ?? 'anonymous function'
}

/** Builds an app from the wirings made so far. */
export function createApp(options: AppOptions = {}): PikkuApp {
  return new PikkuApp(options)
}
