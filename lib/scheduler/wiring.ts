import type { APIFunctionSessionless } from '../types.js'

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
  /**
   * How long a run may take, in ms (default 0: no limit). Past it the run counts as failed
   * (a `GatewayTimeoutError`, logged), its function's `signal` service aborts, and the next
   * tick may start a run.
   */
  timeoutMs?: number
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
