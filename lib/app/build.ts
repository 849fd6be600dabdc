// Building an app: the options and wirings compiled once into the engine's config and the
// engine, with what the HTTP pipeline and the channel runtime need — or every start-up
// problem at once. The start-up rule (no wired function runs unvalidated) is applied here.

import type { AppOptions } from '../app-options.js'
import { DEFAULT_ROUTING_KEY, planChannels, type HandlerTarget } from '../channel/plan.js'
import { registeredChannels, type ChannelWiring } from '../channel/wiring.js'
import { functionLabel, functionMeta, functionName } from '../functions.js'
import type { EngineConfig, RouteConfig } from '../generated/contract.js'
import { DEFAULT_KEEP_ALIVE_MS, DEFAULT_MAX_BUFFERED_BYTES, type EventStreamOptions } from '../http/event-stream.js'
import type { HttpTarget } from '../http/serve.js'
import { UPLOAD_DEFAULTS, type UploadLimits, type UploadOptions } from '../http/upload.js'
import { DEFAULT_TIMEOUT_MS, Deadlines, MOST_TIMEOUT_MS } from '../deadlines.js'
import { permissionPlan, runChecked, servicesPrototype, type InvokeEnv, type RPCEnv } from '../invoke.js'
import { RPCFunctionTable, rpcRoute } from '../rpc.js'
import { metadataChannelFunction } from '../metadata.js'
import { registeredMiddleware, type PatternMiddleware, type PikkuMiddleware } from '../middleware.js'
import { apiKeyHeader, createEngine, handlerFor, maxBodyBytes, ownerFor, type EngineHandle } from '../native.js'
import type { Permission } from '../permissions.js'
import { isProblem, SchemaLinks } from '../schema-links.js'
import { engineProblems, throwProblems, type StartupProblem } from '../startup-error.js'
import type { AnyAPIFunction, InvocationContext, Session } from '../types.js'
import type { SessionHook } from '../user-session.js'
import { registeredRoutes, type RouteWiring } from '../wiring.js'
import { withinLimit } from '../within-limit.js'
import { entryConfig } from './entries.js'

/** A routed target, with the middleware of its route and function. */
export interface RouteTarget {
  /** The target with global, route and function middleware (route patterns added per request). */
  target: HttpTarget
  /** Route and function middleware. */
  own: readonly PikkuMiddleware[]
  auth: boolean
}

/** Everything an app is made of, fixed once it is built. */
export interface BuiltApp {
  env: InvokeEnv
  links: SchemaLinks
  engine: EngineHandle
  /** The engine's per-request call, bound to this engine. */
  handle: ReturnType<typeof handlerFor>
  /** Whether a route matches a url's path for some method (`ownerFor`). */
  owns: ReturnType<typeof ownerFor>
  /** The config the engine was built from (JSON), for the standalone server's own engine. */
  engineConfig: string
  maxBodyBytes: number
  /** Whether some route takes uploads (a form or file body then takes the upload path). */
  uploads: boolean
  /** Whether the engine reads sessions (headers to hand it), and from which API key header. */
  readsSessions: boolean
  apiKeyHeader: string | null
  enrichSession: SessionHook | undefined
  globalChain: readonly PikkuMiddleware[]
  scopedMiddleware: readonly PatternMiddleware[]
  globalPermissions: readonly Permission[]
  /** The routes, by the engine's route index. */
  routes: readonly RouteTarget[]
  channelWirings: readonly ChannelWiring[]
  /** Channel message handlers by engine target. */
  handlers: ReadonlyMap<number, HandlerTarget>
  /** Each channel's routing key, by channel index. */
  routingKeys: readonly string[]
}

/**
 * Runs `func` as the app runs every invocation outside HTTP (calls, channel messages, tasks,
 * jobs): the app's and the function's permissions, then the function, within `limitMs` (0: no
 * limit; past it a `GatewayTimeoutError` and the function's `signal` aborts).
 */
export function runInApp(app: BuiltApp, func: AnyAPIFunction, input: unknown, session: Session | undefined, context: InvocationContext, limitMs = 0): Promise<unknown> {
  const label = functionLabel(func)
  const plan = permissionPlan(app.globalPermissions, func)
  return withinLimit(app.env.deadlines, limitMs, label, (deadline) => runChecked(app.env, plan, label, func, input, session, context, deadline))
}

/** A time limit as given (`undefined`: not given); a problem when it is no whole number of ms in range. */
export function timeoutOf(value: unknown, subject: string, problems: StartupProblem[]): number | undefined {
  if (value === undefined) return undefined
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MOST_TIMEOUT_MS) return value
  problems.push({
    code: 'PIKKU_ERR_CONFIG',
    subject,
    message: `it must be a whole number of milliseconds from 0 (no limit) to ${MOST_TIMEOUT_MS}, not ${JSON.stringify(value) ?? String(value)}`,
    fix: 'give the limit in milliseconds, e.g. `timeoutMs: 10_000`',
  })
  return undefined
}

/** A route's upload limits (`undefined`: it takes no uploads), each checked. */
function uploadLimits(wiring: RouteWiring, label: string, problems: StartupProblem[]): UploadLimits | undefined {
  if (wiring.upload === undefined || (wiring.upload as unknown) === false) return undefined
  const given: unknown = wiring.upload === true ? {} : wiring.upload
  const problem = (subject: string, message: string, fix: string) => problems.push({ code: 'PIKKU_ERR_CONFIG', subject, message, fix })
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    problem(`\`upload\` of route \`${label}\``, `it must be \`true\` or an object of limits, not ${JSON.stringify(given) ?? String(given)}`, 'give `upload: true` for the defaults, or `{ maxFiles, maxFileBytes, … }`')
    return undefined
  }
  if (!['post', 'put', 'patch'].includes(wiring.method)) {
    problems.push({
      code: 'PIKKU_ERR_CONFIG',
      subject: `route \`${label}\``,
      message: 'it takes uploads, which come in a request body: POST, PUT or PATCH',
      fix: "wire it with `method: 'post'`, or drop `upload`",
    })
  }
  const options = given as UploadOptions
  const limits: UploadLimits = { ...UPLOAD_DEFAULTS }
  for (const name of ['maxFiles', 'maxFileBytes', 'maxFields', 'maxFieldBytes'] as const) {
    const value: unknown = options[name]
    if (value === undefined) continue
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) limits[name] = value
    else {
      problems.push({
        code: 'PIKKU_ERR_CONFIG',
        subject: `\`upload.${name}\` of route \`${label}\``,
        message: `it must be a whole number from 0, not ${JSON.stringify(value) ?? String(value)}`,
        fix: `leave it out for the default (${UPLOAD_DEFAULTS[name]})`,
      })
    }
  }
  const fileFields: unknown = options.fileFields
  if (fileFields !== undefined) {
    if (Array.isArray(fileFields) && fileFields.length > 0 && fileFields.every((f) => typeof f === 'string' && f !== '')) limits.fileFields = fileFields
    else problem(`\`upload.fileFields\` of route \`${label}\``, `it must be a list of field names, not ${JSON.stringify(fileFields)}`, "name the fields that carry files, e.g. `fileFields: ['avatar']`")
  }
  return limits
}

/** The app's event-stream settings, each checked (a problem when out of range). */
function eventStreamSettings(options: EventStreamOptions | undefined, problems: StartupProblem[]): Required<EventStreamOptions> {
  const setting = (name: keyof EventStreamOptions, fallback: number, most: number): number => {
    const value: unknown = options?.[name]
    if (value === undefined) return fallback
    if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= most) return value
    problems.push({
      code: 'PIKKU_ERR_CONFIG',
      subject: `\`sse.${name}\` of createApp`,
      message: `it must be a whole number from 1 to ${most}, not ${JSON.stringify(value) ?? String(value)}`,
      fix: `leave it out for the default (${fallback})`,
    })
    return fallback
  }
  return {
    keepAliveMs: setting('keepAliveMs', DEFAULT_KEEP_ALIVE_MS, MOST_TIMEOUT_MS),
    maxBufferedBytes: setting('maxBufferedBytes', DEFAULT_MAX_BUFFERED_BYTES, 2 ** 31 - 1),
  }
}

/** Builds an app from its options and the wirings made so far; throws `PikkuStartupError`. */
export function buildApp(options: AppOptions): BuiltApp {
  const singletonServices = options.singletonServices ?? {}
  const problems: StartupProblem[] = []
  const rpc: RPCEnv = {}
  const env: InvokeEnv = {
    singletonServices,
    createSessionServices: options.createSessionServices,
    production: options.production ?? process.env.NODE_ENV === 'production',
    logger: options.logger ?? console,
    deadlines: new Deadlines(),
    timeoutMs: timeoutOf(options.timeoutMs, '`timeoutMs` of createApp', problems) ?? DEFAULT_TIMEOUT_MS,
    servicesProto: servicesPrototype(singletonServices, rpc),
    eventStreams: eventStreamSettings(options.sse, problems),
    rpc,
  }
  const registered = registeredMiddleware()
  const globalChain = [...(options.middleware ?? []), ...registered.global]
  const globalPermissions = options.permissions ?? []
  const links = new SchemaLinks(options.metadata)
  const metadata = links.metadata
  const config: EngineConfig = { routes: [], entries: [], schemas: { ...metadata?.schemas }, channels: [] }
  if (metadata?.$defs) config.$defs = metadata.$defs
  // The engine decides which scopes cover a request (a guard's path is read as the router reads it).
  if (registered.scoped.length > 0) config.middlewareScopes = registered.scoped.map((scope) => scope.pattern)
  if (options.maxBodyBytes !== undefined) config.maxBodyBytes = options.maxBodyBytes
  if (options.session) config.session = options.session
  const routes: RouteTarget[] = []
  const routeWirings = [...(options.routes ?? registeredRoutes())]
  const handlers = new Map<number, HandlerTarget>()
  // Functions call each other by name; the exposed ones are served at POST /rpc/:name.
  const wired = () => [...routeWirings.map((w) => w.func), ...[...handlers.values()].map((h) => h.func)]
  rpc.table = new RPCFunctionTable(wired, (func) => links.nameOf(func))
  for (const [name, func] of rpc.table.all()) {
    if (functionMeta(func)?.expose !== true) continue
    // Served to clients by name: refused now, not at its first call, when its input has no schema.
    const plan = links.input(func, `exposed function \`${name}\` (POST /rpc/${name})`)
    if (isProblem(plan)) problems.push(plan)
  }
  if (rpc.table.anyExposed()) routeWirings.push({ method: 'post', route: '/rpc/:name', func: rpcRoute(rpc.table, (...call) => rpc.run!(...call)), auth: false })
  for (const wiring of routeWirings) {
    const label = `${wiring.method.toUpperCase()} ${wiring.route}`
    const meta = functionMeta(wiring.func)
    const name = functionName(wiring.func)
    if (wiring.auth === false && meta && !meta.sessionless) {
      problems.push({
        code: 'PIKKU_ERR_AUTH',
        subject: `route \`${label}\``,
        message: 'it has `auth: false` but its function needs a session (pikkuFunc)',
        fix: 'define it with pikkuSessionlessFunc or drop `auth: false`',
      })
    }
    const route: RouteConfig = { method: wiring.method, route: wiring.route, auth: wiring.auth ?? true }
    if (name) route.registeredBy = `function \`${name}\``
    const wired = links.routeFunction(wiring.method, wiring.route)
    const plan = links.input(wiring.func, `route \`${label}\` (function \`${name ?? 'anonymous'}\`)`, wired)
    const upload = uploadLimits(wiring, label, problems)
    if (isProblem(plan)) problems.push(plan)
    // An upload route's engine route only routes and gates: its input is checked against the
    // function's schema once its body has streamed (the upload path, through an entry).
    const checksInput = !isProblem(plan) && upload === undefined
    if (checksInput && plan.kind === 'named') route.inputSchema = plan.schema
    else if (checksInput && plan.kind === 'inline') {
      route.inputSchema = `${label} input`
      config.schemas[route.inputSchema] = plan.schema
    }
    if (wired !== undefined) links.learn(wiring.func, wired)
    config.routes.push(route)
    const own = [...(wiring.middleware ?? []), ...(meta?.middleware ?? [])]
    const permissions = permissionPlan(globalPermissions, wiring.func, wiring.permissions)
    const sse = wiring.sse === true
    if (sse && wiring.method !== 'get') {
      problems.push({
        code: 'PIKKU_ERR_CONFIG',
        subject: `route \`${label}\``,
        message: 'it has `sse: true`, but server-sent events are read with GET (an EventSource sends nothing else)',
        fix: "wire it with `method: 'get'`, or drop `sse: true`",
      })
    }
    if (sse) route.sse = true
    // A stream lasts as long as its client listens: no limit unless the route sets one.
    const timeoutMs = timeoutOf(wiring.timeoutMs, `\`timeoutMs\` of route \`${label}\``, problems) ?? (sse ? 0 : env.timeoutMs)
    const target: HttpTarget = { func: wiring.func, label, route: wiring.route, chain: [...globalChain, ...own], permissions, timeoutMs }
    if (sse) target.sse = true
    if (upload !== undefined) target.upload = { ...upload, auth: route.auth }
    routes.push({ target, own, auth: route.auth })
  }
  const channelWirings = options.channels ?? registeredChannels()
  const planner = {
    entryConfig: (func: Parameters<typeof entryConfig>[1], auth: boolean, subject: string, wiredName?: string) => entryConfig(links, func, auth, subject, wiredName),
    metadataFunction: (channel: string, value: string | undefined) => metadataChannelFunction(metadata, channel, value),
  }
  config.channels = planChannels(channelWirings, config, planner, handlers, problems)
  throwProblems(problems)
  const engineConfig = JSON.stringify(config)
  let engine: EngineHandle
  try {
    engine = createEngine(engineConfig)
  } catch (error) {
    throw engineProblems(error)
  }
  return {
    env,
    links,
    engine,
    handle: handlerFor(engine),
    owns: ownerFor(engine),
    engineConfig,
    maxBodyBytes: maxBodyBytes(engine),
    readsSessions: options.session !== undefined,
    apiKeyHeader: apiKeyHeader(engine),
    enrichSession: options.enrichSession,
    uploads: routes.some((r) => r.target.upload !== undefined),
    globalChain,
    scopedMiddleware: registered.scoped,
    globalPermissions,
    routes,
    channelWirings,
    handlers,
    routingKeys: config.channels.map((c) => c.routingKey ?? DEFAULT_ROUTING_KEY),
  }
}
