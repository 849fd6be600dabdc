import type { EventStream } from './http/event-stream.js'
import type { UploadedFile } from './http/upload.js'
import type { HttpRequestInfo, HttpResponseControl, Session, UserSessionService } from './types.js'

/** What middleware may change in the answer. */
export interface MiddlewareResponse extends HttpResponseControl {
  /** Sets the body of the answer the middleware gives without calling `next()`. */
  json(body: unknown): void
}

/** What middleware sees of an invocation. */
export interface MiddlewareContext {
  http?: { request: HttpRequestInfo; response: MiddlewareResponse }
  /** The session this request came with (after the app's `enrichSession` hook). */
  session: Session | undefined
  /** The session of the invocation: `set` / `clear` change it for what runs next. */
  userSession: UserSessionService
  /** The route pattern that matched (`/todos/:id`), when one did. */
  route?: string
  /** The event stream of an `sse: true` route (also the function's `channel` service). */
  events?: EventStream
  /** The files of an upload route's request (also the function's `files` service). */
  files?: readonly UploadedFile[]
}

/**
 * Middleware: code around an invocation, in onion order (global, route pattern, route,
 * function). Call `next()` to go on; return without calling it to answer from the middleware
 * (`context.http.response.status(…)` / `.json(…)`); throw a `PikkuError` to answer an error.
 *
 * ```ts
 * const timing: PikkuMiddleware = async (_services, { http }, next) => {
 *   const start = performance.now()
 *   await next()
 *   http?.response.header('server-timing', `app;dur=${performance.now() - start}`)
 * }
 * ```
 */
export type PikkuMiddleware = (services: any, context: MiddlewareContext, next: () => Promise<void>) => void | Promise<void>

/** Middleware for the routes under a pattern. */
export interface PatternMiddleware {
  pattern: string
  middleware: readonly PikkuMiddleware[]
}

const registered: PatternMiddleware[] = []

/**
 * Adds HTTP middleware: for every request (`'*'`, or no pattern), or for the routes under a
 * prefix (`'/api/*'`). Call it at the top level, before `createApp`.
 *
 * ```ts
 * addHTTPMiddleware([cors({ origin: 'https://app.example' })])
 * addHTTPMiddleware('/admin/*', [auditLog])
 * ```
 */
export function addHTTPMiddleware(patternOrMiddleware: string | readonly PikkuMiddleware[], middleware?: readonly PikkuMiddleware[]): void {
  const [pattern, list] = typeof patternOrMiddleware === 'string' ? [patternOrMiddleware, middleware ?? []] : ['*', patternOrMiddleware]
  if (pattern !== '*' && !pattern.startsWith('/')) {
    throw new Error(`PIKKU_ERR_MIDDLEWARE: the pattern \`${pattern}\` must be \`*\` or start with \`/\` (e.g. \`/api/*\`)`)
  }
  registered.push({ pattern, middleware: list })
}

/** Middleware registered with `addHTTPMiddleware`, as an app reads it at start-up. */
export interface RegisteredMiddleware {
  /** `'*'` middleware, in registration order. */
  global: PikkuMiddleware[]
  /** Route-pattern middleware, in registration order. */
  scoped: PatternMiddleware[]
}

/** The middleware registered so far. */
export function registeredMiddleware(): RegisteredMiddleware {
  return {
    global: registered.filter((p) => p.pattern === '*').flatMap((p) => p.middleware),
    scoped: registered.filter((p) => p.pattern !== '*').map((p) => ({ pattern: p.pattern.toLowerCase(), middleware: p.middleware })),
  }
}

/**
 * The route-pattern middleware of a request, in registration order: `covering` are the
 * indexes of the scopes that cover it, as the engine decides (`middlewareScopes`): by the route
 * pattern that matched or by the path read as a router reads it, so that `/API/x`,
 * `/a/../api/x` or `/%61pi/x` cannot slip past a guard.
 */
export function patternMiddleware(scoped: readonly PatternMiddleware[], covering: readonly number[]): PikkuMiddleware[] {
  return covering.flatMap((index) => scoped[index]!.middleware)
}

/**
 * Runs `core` inside `chain`, outermost first. A middleware may call `next()` once; when it
 * does not await it, the rest of the chain is still awaited before the answer is written.
 */
export async function runOnion(chain: readonly PikkuMiddleware[], services: unknown, context: MiddlewareContext, core: () => Promise<void>): Promise<void> {
  const step = async (index: number): Promise<void> => {
    if (index === chain.length) return core()
    let inner: Promise<void> | undefined
    await chain[index]!(services, context, () => {
      if (inner) throw new Error('PIKKU_ERR_MIDDLEWARE: a middleware called next() twice')
      inner = step(index + 1)
      return inner
    })
    if (inner) await inner
  }
  return step(0)
}
