// Scheduled tasks: the engine parses the cron expressions and times the ticks on its tokio
// runtime; each run comes here through a thread-safe function, runs through `app.call`, and
// is reported back when it settles, so that the engine keeps the overlap rule and a stop
// can wait for running tasks.
import type { PikkuApp } from '../app.js'
import { timeoutOf } from '../app/build.js'
import { portOf } from '../app/port.js'
import { engineProblems, PikkuStartupError, throwProblems, type StartupProblem } from '../startup-error.js'
import { functionMeta, functionName } from '../functions.js'
import {
  createScheduler as createNativeScheduler,
  schedulerBegin,
  schedulerFinish,
  schedulerList,
  schedulerStart,
  schedulerStop,
  type ScheduleEvent,
  type SchedulerHandle,
} from '../native.js'
import type { Logger } from '../types.js'
import { registeredScheduledTasks, type ScheduledTaskWiring } from './wiring.js'

/** How a scheduler is set up. */
export interface SchedulerOptions {
  /** The tasks to run (default: every `addScheduledTask` made so far). */
  tasks?: readonly ScheduledTaskWiring[]
  /** Where failures and skipped ticks are logged (default: the app's logger). */
  logger?: Logger
}

/** A task as `list()` shows it. */
export interface ScheduledTaskStatus {
  name: string
  schedule: string
  /** The IANA time zone the schedule is read in (`UTC` unless given). */
  timezone: string
  /** Whether runs may overlap. */
  overlap: boolean
  /** When the timer next runs it; `null` while the scheduler is not started. */
  nextRunAt: Date | null
  /** Runs going now. */
  running: number
  /** Runs started so far, by the timer and by `runNow`. */
  runs: number
  /** Ticks skipped because the previous run was still going. */
  skippedTicks: number
}

/** How a `runNow` went. A failure is also logged, as for timed runs. */
export type RunNowResult =
  | { status: 'completed'; scheduledAt: Date; result: unknown }
  | { status: 'failed'; scheduledAt: Date; error: unknown }
  | { status: 'skipped'; reason: string }

/**
 * Runs an app's scheduled tasks. Made by {@link createScheduler}; nothing runs before
 * `start()`.
 *
 * ```ts
 * const scheduler = createScheduler(app)
 * scheduler.start()
 * console.table(scheduler.list())
 * ```
 */
export class PikkuScheduler {
  private readonly app: PikkuApp
  private readonly native: SchedulerHandle
  private readonly tasks: readonly ScheduledTaskWiring[]
  private readonly logger: Logger

  constructor(app: PikkuApp, options: SchedulerOptions = {}) {
    this.app = app
    this.tasks = [...(options.tasks ?? registeredScheduledTasks())]
    this.logger = options.logger ?? app.logger
    const problems = this.tasks.flatMap((task, index) => functionProblems(app, task, index))
    let native: SchedulerHandle | undefined
    try {
      native = createNativeScheduler(
        JSON.stringify(this.tasks.map(({ name, schedule, timezone, overlap }) => ({ name, schedule, timezone, overlap: overlap ?? false }))),
      )
    } catch (error) {
      const found = engineProblems(error)
      if (!(found instanceof PikkuStartupError)) throw found
      problems.push(...found.problems)
    }
    throwProblems(problems)
    this.native = native!
  }

  /**
   * Starts the timers. While started, the scheduler keeps the process alive (as a
   * `setInterval` does); `stop()` lets it exit.
   *
   * ```ts
   * scheduler.start()
   * process.on('SIGTERM', () => scheduler.stop().then(() => server.close()))
   * ```
   */
  start(): void {
    // The engine calls this from its timers; a run's outcome is logged, never thrown here.
    schedulerStart(this.native, (event) => this.onEvent(event))
  }

  /**
   * Stops the timers (no tick starts a run after this call) and resolves once every running
   * task, timed or run-now, has finished. The process can then exit.
   *
   * ```ts
   * await scheduler.stop()
   * ```
   */
  stop(): Promise<void> {
    return schedulerStop(this.native)
  }

  /**
   * Every task with its next run time and counters, in registration order.
   *
   * ```ts
   * for (const task of scheduler.list()) console.log(task.name, task.nextRunAt?.toISOString())
   * ```
   */
  list(): ScheduledTaskStatus[] {
    return schedulerList(this.native).map((task) => ({
      name: task.name,
      schedule: task.schedule,
      timezone: task.timezone,
      overlap: task.overlap,
      nextRunAt: task.nextRunAt === undefined ? null : new Date(task.nextRunAt),
      running: task.running,
      runs: task.runs,
      skippedTicks: task.skippedTicks,
    }))
  }

  /**
   * Runs one task now (tests, admin), started or not, under the same overlap rule as its
   * ticks: while its previous run is still going (and `overlap` is off) it is skipped.
   * Resolves when the run has ended; a failure is logged and returned, not thrown.
   *
   * ```ts
   * const outcome = await scheduler.runNow('purge-sessions')
   * if (outcome.status === 'failed') console.error(outcome.error)
   * ```
   */
  async runNow(name: string): Promise<RunNowResult> {
    const index = this.tasks.findIndex((task) => task.name === name)
    if (index < 0) {
      const known = this.tasks.map((task) => `\`${task.name}\``).join(', ') || 'none'
      throw new Error(`PIKKU_ERR_SCHEDULE: runNow: no scheduled task is named \`${name}\` (tasks: ${known})`)
    }
    const run = schedulerBegin(this.native, index)
    if (!run) {
      const reason = `the previous run of \`${name}\` is still going and the task does not allow overlap`
      this.warn(`pikku: scheduled task \`${name}\`: runNow skipped: ${reason}`)
      return { status: 'skipped', reason }
    }
    return this.execute(index, run)
  }

  private onEvent(event: ScheduleEvent): void {
    const task = this.tasks[event.task]!
    if (event.kind === 'skip') {
      this.warn(skippedTickMessage(task.name, new Date(event.scheduledAt)))
      return
    }
    this.execute(event.task, event).catch(() => undefined) // it logs its own failures; a throwing logger must not crash
  }

  /** Runs a begun run through the app and reports its end to the engine, also on a throw. */
  private async execute(index: number, run: ScheduleEvent): Promise<RunNowResult> {
    const task = this.tasks[index]!
    const scheduledAt = new Date(run.scheduledAt)
    try {
      const context = { scheduledTask: { name: task.name, schedule: task.schedule, scheduledAt } }
      const result = await portOf(this.app).calls.runScheduled(task.func, context, task.timeoutMs)
      return { status: 'completed', scheduledAt, result }
    } catch (error) {
      this.logger.error(`pikku: scheduled task \`${task.name}\` (due at ${scheduledAt.toISOString()}) failed; it runs again at its next tick`, error)
      return { status: 'failed', scheduledAt, error }
    } finally {
      schedulerFinish(this.native, index, run.runId!)
    }
  }

  private warn(message: string): void {
    if (this.logger.warn) this.logger.warn(message)
    else this.logger.error(message)
  }
}

/** Start-up problems of a task's function (the schedules are checked by the engine). */
function functionProblems(app: PikkuApp, task: ScheduledTaskWiring, index: number): StartupProblem[] {
  const subject = task.name ? `scheduled task \`${task.name}\`` : `scheduled task #${index + 1}`
  if (typeof task.func !== 'function') return [{ code: 'PIKKU_ERR_SCHEDULE', subject, message: 'it has no `func`', fix: 'give it the function to run' }]
  const label = functionName(task.func) ?? 'an anonymous function'
  if (functionMeta(task.func)?.sessionless === false) {
    return [
      {
        code: 'PIKKU_ERR_SCHEDULE',
        subject,
        message: `it runs \`${label}\`, which needs a session (pikkuFunc); scheduled tasks run without one`,
        fix: 'define it with pikkuSessionlessFunc',
      },
    ]
  }
  const problems: StartupProblem[] = []
  timeoutOf(task.timeoutMs, `\`timeoutMs\` of ${subject}`, problems)
  if (problems.length > 0) return problems
  if (!portOf(app).calls.hasInputSchema(task.func)) return [] // its input, `{}`, is made by the scheduler
  try {
    app.checkInput(task.func, {} as never, { auth: false })
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    return [{ code: 'PIKKU_ERR_SCHEDULE', subject, message: `it runs \`${label}\`, whose input schema refuses \`{}\`, the input of every scheduled run (${message})`, fix: 'make its input optional' }]
  }
  return []
}

/**
 * Makes the scheduler of an app's scheduled tasks (by default every `addScheduledTask` made
 * so far). A bad cron expression, an unknown time zone, a duplicate name or a function that
 * needs a session throws here, naming the task. Functions run through `app.call` without a
 * session, with the app's services; the session services factory sees the task in
 * `context.scheduledTask` (name, schedule, scheduledAt).
 *
 * ```ts
 * addScheduledTask({ name: 'digest', schedule: '0 8 * * MON-FRI', timezone: 'Europe/Helsinki', func: sendDigest })
 *
 * const app = createApp({ singletonServices })
 * const scheduler = createScheduler(app)
 * scheduler.start()
 * // on shutdown: waits for running tasks
 * await scheduler.stop()
 * ```
 */
export function createScheduler(app: PikkuApp, options: SchedulerOptions = {}): PikkuScheduler {
  return new PikkuScheduler(app, options)
}

/** The warning for a tick skipped because the task's previous run was still going. */
export function skippedTickMessage(name: string, scheduledAt: Date): string {
  return `pikku: scheduled task \`${name}\` skipped its run due at ${scheduledAt.toISOString()}: the previous run is still going (set \`overlap: true\` to allow overlapping runs)`
}
