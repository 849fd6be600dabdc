import type { InvocationContext, Session } from './types.js'

/** What middleware sees of an invocation. */
export interface MiddlewareContext extends InvocationContext {
  /** The session the request carries (after the app's `enrichSession` hook). */
  session: Session | undefined
  /** The route pattern that matched (`/todos/:id`), when one did. */
  route?: string
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

interface PatternMiddleware {
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

/** The middleware registered so far. */
export function registeredMiddleware(): readonly PatternMiddleware[] {
  return registered
}

/** Whether `path` (a route pattern or a normalized path) is under `pattern`. */
export function matchesPattern(pattern: string, path: string): boolean {
  if (pattern === '*') return true
  if (pattern.endsWith('/*')) {
    const prefix = pattern.slice(0, -2)
    return path === prefix || path.startsWith(prefix + '/')
  }
  return path === pattern
}

/** Runs `core` inside `chain`, outermost first. A middleware may call `next()` once. */
export async function runOnion(chain: readonly PikkuMiddleware[], services: unknown, context: MiddlewareContext, core: () => Promise<void>): Promise<void> {
  const step = async (index: number): Promise<void> => {
    if (index === chain.length) return core()
    let called = false
    await chain[index]!(services, context, () => {
      if (called) throw new Error('PIKKU_ERR_MIDDLEWARE: a middleware called next() twice')
      called = true
      return step(index + 1)
    })
  }
  return step(0)
}
