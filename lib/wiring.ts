import type { APIFunctionSessionless, AnyAPIFunction, InputOf } from './types.js'
import { functionName } from './functions.js'
import type { HttpMethod } from './generated/contract.js'
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

/**
 * A function a scheduler can run: no session (define it with `pikkuSessionlessFunc`), and
 * no required input: it gets `{}`, validated like any input.
 */
export type ScheduledFunction = APIFunctionSessionless<void, unknown> | APIFunctionSessionless<Record<never, never>, unknown>

/** One scheduled task. */
export interface ScheduledTaskWiring {
  /** Unique among the tasks: names the task in `list()`, `runNow()`, logs and errors. */
  name: string
  /**
   * A cron expression: 5 fields (`0 3 * * *`: minute hour day-of-month month day-of-week), 6
   * with seconds first (`30 0 9 * * *`: 09:00:30), or a nickname (`@hourly`, `@daily`).
   */
  schedule: string
  /** The function to run, through the app (its services; no session). */
  func: ScheduledFunction
  /** The IANA time zone the schedule is read in: `Europe/Helsinki` (default `UTC`). */
  timezone?: string
  /**
   * Whether a tick may start a run while the previous one is still going (default false:
   * the tick is skipped and logged).
   */
  overlap?: boolean
}

const scheduledTasks: ScheduledTaskWiring[] = []

/**
 * Wires a function to a cron schedule; `createScheduler(app)` runs it. Call it at the top
 * level of a module.
 *
 * ```ts
 * const purgeSessions = pikkuSessionlessFunc<void, void>(async ({ db }) => db.purgeExpiredSessions())
 * addScheduledTask({ name: 'purge-sessions', schedule: '0 3 * * *', timezone: 'Europe/Helsinki', func: purgeSessions })
 * ```
 */
export function addScheduledTask(task: ScheduledTaskWiring): void {
  // The same module evaluated again (Next.js loads a module once per layer) registers the
  // same task again: the newer one replaces it. Any other task of the same name stays, and
  // the scheduler refuses the duplicate name when it is created.
  const again = scheduledTasks.findIndex((t) => t.name === task.name && String(t.func) === String(task.func))
  if (again >= 0) scheduledTasks[again] = task
  else scheduledTasks.push(task)
}

/** Alias of {@link addScheduledTask}, in current Pikku's vocabulary. */
export const wireScheduler = addScheduledTask

/** The scheduled tasks wired so far, in registration order. */
export function registeredScheduledTasks(): readonly ScheduledTaskWiring[] {
  return scheduledTasks
}
