import type { APIFunctionSessionless, AnyAPIFunction, InputOf } from './types.js'
import { functionName } from './functions.js'
import type { HttpMethod } from './generated/contract.js'
import type { UploadOptions } from './http/upload.js'
import type { PikkuMiddleware } from './middleware.js'
import type { Permissions } from './permissions.js'

/** One HTTP wiring. */
export interface RouteWiring<F extends AnyAPIFunction = AnyAPIFunction> {
  /** The method it answers (lower-case). */
  method: HttpMethod
  /** The path pattern: `/todos/:id`, `/files/*path`. */
  route: string
  /** The function to run. */
  func: F
  /** Whether a session is required (default true). A function that needs a session can't be public. */
  auth?: F extends APIFunctionSessionless<any, any> ? boolean : true
  /** Middleware of this route, inside global and route-pattern middleware. */
  middleware?: readonly PikkuMiddleware[]
  /** Permissions of this route (keys OR'ed, arrays AND'ed); the function's must pass too. */
  permissions?: Permissions<InputOf<F>>
  /**
   * How long its middleware and function may run, in ms (default: the app's `timeoutMs`, or no
   * limit on an `sse` route; 0: no limit).
   */
  timeoutMs?: number
  /**
   * Takes uploads (POST, PUT, PATCH): a `multipart/form-data` or `application/octet-stream`
   * body streamed to temporary files within these limits, the files in the function's `files`
   * service, the text fields its validated input. `true` for the defaults (one file of up to
   * 10 MiB). See `UploadOptions`.
   */
  upload?: true | UploadOptions
  /** Tags of the route, for the OpenAPI document (a group's come first). */
  tags?: readonly string[]
  /**
   * Server-sent events (GET only): the function sends events through its `channel` service
   * (an `EventStream`) and the stream ends when it returns. See `EventStream`.
   */
  sse?: boolean
}

const routes: RouteWiring[] = []

/**
 * Wires a function to an HTTP route. `auth` defaults to true: without a session the route
 * answers 401. Call it at the top level of a module.
 *
 * ```ts
 * addRoute({ method: 'get', route: '/todos/:id', func: getTodo })
 * addRoute({ method: 'get', route: '/health', func: health, auth: false })
 * ```
 */
export function addRoute<F extends AnyAPIFunction>(wiring: RouteWiring<F>): void {
  const route = wiring as unknown as RouteWiring
  const name = functionName(route.func)
  // The same module evaluated again (Next.js loads a module once per layer) registers the
  // same function again — same name, same code: the newer one replaces it. Anything else on
  // the same route stays a conflict, reported when the app is built.
  const again =
    name === undefined
      ? -1
      : routes.findIndex(
          (r) => r.method === route.method && r.route === route.route && functionName(r.func) === name && String(r.func) === String(route.func),
        )
  if (again >= 0) routes[again] = route
  else routes.push(route)
}

/** Alias of {@link addRoute}, in current Pikku's vocabulary. */
export const wireHTTP = addRoute

/** The routes wired so far, in registration order. */
export function registeredRoutes(): readonly RouteWiring[] {
  return routes
}
