// Scheduled tasks on BullMQ job schedulers: each tick becomes one job in Redis (or
// PostgreSQL), so that the task runs once per tick whatever the number of processes, in the
// process whose worker takes it. The engine still parses the schedules (start-up errors,
// time zones, daylight saving): BullMQ asks it for each next run through a repeat strategy.
import type * as BullMQ from 'bullmq'

import type { PikkuApp } from '../app.js'
import { portOf } from '../app/port.js'
import { scheduleNext } from '../native.js'
import { graceOf, type CloseOptions } from '../close-options.js'
import { connectionFor, loadBullMQ, type AnyQueue, type AnyWorker, type BullMQConnection } from '../queue/bullmq-connection.js'
import { RunningJobs, stopWorker } from '../queue/bullmq-stop.js'
import type { Logger } from '../types.js'
import { PikkuScheduler, skippedTickMessage, type RunNowResult } from './scheduler.js'
import { registeredScheduledTasks, type ScheduledTaskWiring } from './wiring.js'

/** The queue the ticks of every task travel on. */
const TICKS_QUEUE = 'pikku-scheduled-tasks'

/** How a BullMQ scheduler is set up. */
export interface BullMQSchedulerOptions {
  /** Redis (a URL, ioredis options or client) or `{ postgres }`, as for `BullMQBackend`. */
  connection: BullMQConnection
  /** The prefix of the Redis keys, or the PostgreSQL schema (default `pikku`): apps sharing a server differ by it. */
  prefix?: string
  /** The tasks (default: every `addScheduledTask` made so far). */
  tasks?: readonly ScheduledTaskWiring[]
  /** Where failed runs are logged (default: the app's logger). */
  logger?: Logger
}

/** A task as the BullMQ scheduler lists it. */
export interface BullMQScheduledTask {
  name: string
  schedule: string
  timezone: string
  /** The next tick the server holds for it. */
  nextRunAt: Date | null
}

/**
 * Runs an app's scheduled tasks once per tick across all its processes. The tasks are checked
 * when it is made, as `createScheduler` checks them; `start()` makes the server's schedules
 * match the tasks in code — adding, changing and removing — and starts taking ticks. As in one
 * process, a task without `overlap: true` skips a tick while its previous run is still going,
 * whichever process runs it.
 *
 * ```ts
 * import { BullMQScheduler } from '@pikku/native/bullmq'
 * const scheduler = new BullMQScheduler(app, { connection: 'redis://127.0.0.1:6379' })
 * await scheduler.start()
 * ```
 */
export class BullMQScheduler {
  private readonly bull: typeof BullMQ
  private readonly local: PikkuScheduler
  private readonly tasks: readonly ScheduledTaskWiring[]
  private readonly logger: Logger
  private readonly options: BullMQSchedulerOptions
  private queue: AnyQueue | undefined
  private worker: AnyWorker | undefined
  private readonly running = new RunningJobs()

  constructor(
    private readonly app: PikkuApp,
    options: BullMQSchedulerOptions,
  ) {
    this.options = options
    this.tasks = [...(options.tasks ?? registeredScheduledTasks())]
    this.logger = options.logger ?? app.logger
    // The engine's checks of every task, and `runNow` in this process.
    this.local = new PikkuScheduler(app, { tasks: this.tasks, logger: this.logger })
    this.bull = loadBullMQ()
  }

  /** Makes the server's schedules those of the tasks in code, then takes ticks. */
  async start(): Promise<void> {
    const prefix = this.options.prefix ?? 'pikku'
    const { connection, factory } = connectionFor(this.options.connection, prefix)
    // BullMQ asks for each next run where the schedule is kept and where a tick is taken.
    const settings = { repeatStrategy: (millis: number, opts: BullMQ.JobSchedulerRepeatOptions) => scheduleNext(opts.pattern!, opts.tz, millis) ?? undefined }
    const common = { connection, prefix, settings }
    const make = (Class: new (...args: any[]) => unknown, ...args: unknown[]): any => (factory ? new Class(...args, factory) : new Class(...args))
    const queue: AnyQueue = make(this.bull.Queue, TICKS_QUEUE, common)
    this.queue = queue
    const known = new Set(this.tasks.map((task) => task.name))
    for (const existing of await queue.getJobSchedulers(0, -1)) {
      const id = existing.id ?? existing.key
      if (!known.has(id)) await queue.removeJobScheduler(id) // a task no longer in code
    }
    for (const task of this.tasks) {
      const upsert = () =>
        queue.upsertJobScheduler(task.name, { pattern: task.schedule, tz: task.timezone ?? 'UTC' }, { name: task.name, data: {}, opts: { removeOnComplete: true, removeOnFail: 100 } })
      await upsert().catch((error: Error) => {
        // Processes starting together upsert the same schedule: one of them may find the next
        // tick already made by another. Once more, and that one made it is as good.
        if (!/already exists/.test(error.message)) throw error
        return upsert().catch((again: Error) => {
          if (!/already exists/.test(again.message)) throw again
        })
      })
    }
    const worker: AnyWorker = make(this.bull.Worker, TICKS_QUEUE, (job: BullMQ.Job, token?: string) => this.running.run(job, token, () => this.tick(job)), {
      ...common,
      concurrency: Math.max(1, this.tasks.length),
      // A tick whose process died is not run again later: it could overlap the next ticks.
      maxStalledCount: 0,
    })
    this.worker = worker
    worker.on('error', (error: Error) => this.logger.error(`pikku: the BullMQ scheduler's worker: ${error.message}`))
    await worker.waitUntilReady()
  }

  /**
   * Stops taking ticks and waits for the running tasks, up to `graceMs` (default 10 000; those
   * still running then are logged and left); the schedules stay on the server.
   */
  async stop(options?: CloseOptions): Promise<void> {
    const graceMs = graceOf(options)
    const left = this.worker ? await stopWorker(this.worker, this.running, graceMs) : 0
    if (left > 0) this.logger.error(`pikku: ${left} scheduled task run${left === 1 ? '' : 's'} still going after the grace period of ${graceMs} ms; not run again elsewhere`)
    await this.queue?.close()
    await this.local.stop()
  }

  /** The tasks with the next tick the server holds for each. */
  async list(): Promise<BullMQScheduledTask[]> {
    const held = new Map((await this.queue!.getJobSchedulers(0, -1)).map((s) => [s.id ?? s.key, s]))
    return this.tasks.map((task) => {
      const next = held.get(task.name)?.next
      return { name: task.name, schedule: task.schedule, timezone: task.timezone ?? 'UTC', nextRunAt: next === undefined ? null : new Date(next) }
    })
  }

  /** Runs one task now, in this process (see `PikkuScheduler.runNow`). */
  runNow(name: string): Promise<RunNowResult> {
    return this.local.runNow(name)
  }

  /** One tick, taken by this process: the task's function through the app. */
  private async tick(job: BullMQ.Job): Promise<void> {
    const task = this.tasks.find((candidate) => candidate.name === job.name)
    if (!task) return // a schedule of a newer deploy this process does not know
    const scheduledAt = new Date(dueAt(job))
    try {
      if (!task.overlap && (await this.previousRunGoing(job))) {
        ;(this.logger.warn ?? this.logger.error).call(this.logger, skippedTickMessage(task.name, scheduledAt))
        return
      }
      const context = { scheduledTask: { name: task.name, schedule: task.schedule, scheduledAt } }
      await portOf(this.app).calls.runScheduled(task.func, context, task.timeoutMs)
    } catch (error) {
      this.logger.error(`pikku: scheduled task \`${task.name}\` (due at ${scheduledAt.toISOString()}) failed; it runs again at its next tick`, error)
    }
  }

  /**
   * Whether an earlier tick of `job`'s task is still running, in any process. Ticks become
   * active no sooner than they are due, so an earlier one still active was running when this
   * one fell due: as in one process, this tick is skipped, and the earliest always runs.
   */
  private async previousRunGoing(job: BullMQ.Job): Promise<boolean> {
    const active = await this.queue!.getActive(0, -1)
    return active.some((other) => other.name === job.name && other.id !== job.id && dueAt(other) < dueAt(job))
  }
}

/** When a tick's job fell due: the scheduler's time for it (added time plus delay may be a ms off). */
function dueAt(job: BullMQ.Job): number {
  return job.opts.prevMillis ?? job.timestamp + (job.opts.delay ?? 0)
}
