import type { EventStream } from './http/event-stream.js'
import type { RPCInvoker } from './rpc.js'
import type { UploadedFile } from './http/upload.js'

/**
 * The app's own types, declared once by module augmentation:
 *
 * ```ts
 * declare module '@pikku/native' {
 *   interface PikkuTypes {
 *     services: AppServices
 *     session: AppSession
 *   }
 * }
 * ```
 *
 * Every definer (`APIFunction`, `pikkuFunc`, …) then sees them without repeating generics.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface PikkuTypes {}

/** The session shape used when the app declares none. */
export interface CoreSession {
  userId?: string
  [key: string]: unknown
}

/** The services shape used when the app declares none. */
export type CoreServices = Record<string, unknown>

/** The app's services (singletons merged with session services). */
export type Services = PikkuTypes extends { services: infer S } ? S : CoreServices

/** The app's session. */
export type Session = PikkuTypes extends { session: infer S } ? S : CoreSession

/** What the framework adds to every invocation's services, over the app's. */
export interface FrameworkServices {
  /** Calls another function of the app by name, with this invocation's session (see `RPCInvoker`). */
  rpc: RPCInvoker
  /**
   * Aborted when the invocation runs past its time limit (an HTTP request's `timeoutMs`),
   * with a `TimeoutError` as its reason: pass it to `fetch`, database calls and timers so
   * that abandoned work stops. Never aborted for an invocation without a limit.
   */
  signal: AbortSignal
}

/** A function that needs a session: `auth` routes answer 401 without one. */
export type APIFunction<In = unknown, Out = unknown> = (
  services: Services & FrameworkServices,
  data: In,
  session: Session,
) => Promise<Out> | Out

/** A function that runs with or without a session. */
export type APIFunctionSessionless<In = unknown, Out = unknown> = (
  services: Services & FrameworkServices,
  data: In,
  session: Session | undefined,
) => Promise<Out> | Out

/** Any function the framework can run. */
export type AnyAPIFunction = APIFunction<any, any> | APIFunctionSessionless<any, any>

/** The input type of a function. */
export type InputOf<F> = F extends (services: any, data: infer In, session: any) => any ? In : never

/** The output type of a function (awaited). */
export type OutputOf<F> = F extends (services: any, data: any, session: any) => infer Out ? Awaited<Out> : never

/** Read access to request headers (names are lower-case). */
export interface RequestHeaders {
  get(name: string): string | undefined
}

/** The request of an HTTP invocation, as middleware and functions see it. */
export interface HttpRequestInfo {
  /** The method (`GET`). */
  method: string
  /** The path and query as received: `/todos/1?full=true`. */
  url: string
  /** The headers (names are lower-case). */
  headers: RequestHeaders
}

/** What middleware and functions may change in the answer of an HTTP invocation. */
export interface HttpResponseControl {
  /** Sets the status of a successful answer (default 200, or 204 without a body). */
  status(code: number): void
  /** Sets a response header. */
  header(name: string, value: string): void
}

/**
 * The session of one invocation, which a function can replace or end. Over HTTP the answer
 * then carries the `Set-Cookie` the engine builds (`session.signedCookie`, or a JWT cookie
 * signed with `session.jwt.secret`):
 *
 * ```ts
 * const login = pikkuSessionlessFunc<Credentials, void>(async ({ users, userSession }, creds) => {
 *   userSession.set({ userId: await users.check(creds) })
 * })
 * ```
 */
export interface UserSessionService<S = Session> {
  /** The session: the decoded one, or what `set` stored. */
  get(): S | undefined
  /** Stores a new session. */
  set(session: S): void
  /** Ends the session. */
  clear(): void
}

/**
 * The WebSocket connection a channel function runs for, in its services as `channel`:
 *
 * ```ts
 * const join = pikkuSessionlessFunc<{ room: string }, void>(async ({ channel }, { room }) => {
 *   channel.subscribe(room)
 *   channel.publish(room, { joined: channel.id })
 * })
 * ```
 */
export interface PikkuChannel {
  /** The connection's id. */
  readonly id: string
  /** The channel's name. */
  readonly name: string
  /** The path parameters of the upgrade request (`/ws/rooms/:room` → `{ room }`). */
  readonly params: Record<string, string>
  /** Sends `data` as JSON to this connection. */
  send(data: unknown): void
  /** Closes this connection (code 1000 unless given). */
  close(code?: number, reason?: string): void
  /** Receives what is published to `topic`. */
  subscribe(topic: string): void
  /** Stops receiving `topic`. */
  unsubscribe(topic: string): void
  /** Sends `data` as JSON to every other connection subscribed to `topic`. */
  publish(topic: string, data: unknown): void
}

/** The scheduled task an invocation runs for. */
export interface ScheduledTaskContext {
  /** The task's name, as given to `addScheduledTask`. */
  name: string
  /** Its cron expression. */
  schedule: string
  /** When the run was due: the tick's time, or when `runNow` was called. */
  scheduledAt: Date
}

/** What one invocation runs for; given to the session services factory and to middleware. */
export interface InvocationContext {
  http?: {
    /** The request as received. */
    request: HttpRequestInfo
    /** Response settings the function can change. */
    response: HttpResponseControl
  }
  /** The job of a queue invocation (`addQueueWorker`). */
  queue?: QueueJobContext
  /** Set when a scheduler runs the function (see `createScheduler`). */
  scheduledTask?: ScheduledTaskContext
  /** The session of this invocation; `set` / `clear` change the session cookie. */
  userSession: UserSessionService
  /** The WebSocket connection of a channel message (also in the services as `channel`). */
  channel?: PikkuChannel
  /** The event stream of an `sse: true` route (also in the services as `channel`). */
  events?: EventStream
  /** How deep in calls by name (`rpc.invoke`) this invocation runs: 0 or absent when a client called it. */
  rpcDepth?: number
  /** The files of an upload route's request (also in the services as `files`). */
  files?: readonly UploadedFile[]
}

/** The job a queue worker's function runs for, as its invocation context gives it. */
export interface QueueJobContext {
  /** The queue's name. */
  name: string
  /** The job's id: the same on every attempt. */
  jobId: string
  /** This attempt: 1 for the first run. */
  attempt: number
  /** The number of attempts the job has in all (`retries + 1`). */
  maxAttempts: number
}

/** Where the framework logs: `console` fits. Without `warn`, warnings go to `error`. */
export interface Logger {
  error(message: string, ...args: unknown[]): void
  warn?(message: string, ...args: unknown[]): void
}

/** Services made per invocation; `close` runs when the invocation ends, even on a throw. */
export type SessionServices = Record<string, unknown> & { close?: () => void | Promise<void> }
