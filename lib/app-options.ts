// How an app is set up (`createApp`'s options) and how a function is called in-process.
import type { SessionConfig, MetadataFile } from './generated/contract.js'
import type { ChannelWiring } from './channel/wiring.js'
import type { EventStreamOptions } from './http/event-stream.js'
import type { PikkuMiddleware } from './middleware.js'
import type { Permission } from './permissions.js'
import type { HttpRequestInfo, InvocationContext, Logger, Session, SessionServices } from './types.js'
import type { RouteWiring } from './wiring.js'

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
  /**
   * Enriches or replaces the session the engine decoded (a database lookup): runs after the
   * engine's call, before middleware. Return the session to use, or `undefined` for none;
   * throw a `PikkuError` to answer with it. With this hook, a route's missing session is
   * decided after it (the hook may find one the engine cannot).
   */
  enrichSession?: (
    session: Session | undefined,
    request: HttpRequestInfo,
    singletons: any,
  ) => Session | undefined | Promise<Session | undefined>
  /** Middleware around every request the app answers (outermost, before `addHTTPMiddleware`'s). */
  middleware?: readonly PikkuMiddleware[]
  /** Checks that every invocation must pass (AND), before route and function permissions. */
  permissions?: readonly Permission[]
  /** The code generator's metadata file (a path or the parsed object): input schemas by route. */
  metadata?: string | MetadataFile
  /**
   * Sessions decoded by the engine: a JWT from `Authorization: Bearer` or from `cookie`
   * (one fixed algorithm, so `alg: none` and algorithm confusion are refused; PEM or a JWK
   * set; `exp` / `nbf` with leeway; `iss` / `aud`), the engine's signed session cookie, or
   * API keys from a header or the query. A bad one answers 401 InvalidSessionError.
   */
  session?: SessionConfig
  /** The largest accepted body in bytes (default 1 MiB). */
  maxBodyBytes?: number
  /**
   * How long an HTTP request's middleware and function, or a channel message's function, may
   * run, in ms (default 30 000; 0: no limit; a route's `timeoutMs` overrides it). Past it the
   * request is answered 504 GatewayTimeoutError (a message gets that error as its reply) and
   * the function's `signal` service aborts, so that it can stop its work; what it returns
   * later is dropped.
   */
  timeoutMs?: number
  /** How `sse: true` routes stream: keep-alive interval and the most a slow client may hold. */
  sse?: EventStreamOptions
  /** Where unhandled errors (and failed scheduled tasks) are logged (default `console`). */
  logger?: Logger
  /** Hides messages and stacks of unknown errors (default: `NODE_ENV === 'production'`). */
  production?: boolean
  /** The routes to serve (default: every `addRoute` made so far). */
  routes?: readonly RouteWiring[]
  /** The WebSocket channels to serve (default: every `addChannel` made so far). */
  channels?: readonly ChannelWiring[]
}

/** Options of an in-process call. */
export interface CallOptions extends EntryOptions {
  /** The session the function runs with. */
  session?: Session
  /**
   * What the invocation runs for (a scheduled task, a queue job, a channel message), given
   * to the session services factory.
   */
  context?: Omit<InvocationContext, 'userSession' | 'http'>
  /**
   * How long permissions and the function may run, in ms (default 0: no limit). Past it the
   * call rejects with a `GatewayTimeoutError` and the function's `signal` service aborts.
   */
  timeoutMs?: number
}

/** Options of a call that skips routing (Next.js file routes, per-route Express handlers, `call`). */
export interface EntryOptions {
  /** Whether a session is required (default true, as for routes). */
  auth?: boolean
}

/** Options of a handler for one route of a host framework (a per-route Express handler, a Next.js file route). */
export interface RouteHandlerOptions extends EntryOptions {
  /** How long its middleware and function may run, in ms (default: the app's `timeoutMs`, none with `sse`; 0: no limit). */
  timeoutMs?: number
  /** Server-sent events, as a route's `sse: true`: the function streams through its `channel` service. */
  sse?: boolean
}
