import { randomUUID } from 'node:crypto'

import { DEFAULT_GRACE_MS, settlesWithin } from '../close-options.js'
import type { Logger } from '../types.js'
import {
  backoffDelay,
  describeFailure,
  type FailedJob,
  type JobHandler,
  type JobOptions,
  type ProcessOptions,
  type QueueBackend,
  type QueueJob,
} from './backend.js'

/** Node runs a longer timer at once (with a warning): longer waits are capped to it (~24.8 days). */
const LONGEST_TIMER_MS = 2 ** 31 - 1

/** How the in-memory queue is set up. */
export interface MemoryQueueOptions {
  /** How many failed-job records are kept, the oldest dropped first (default 1000). */
  keepFailed?: number
  /** Where final failures and jobs dropped by `close()` are logged (default `console`). */
  logger?: Logger
}

/** A job with what the queue needs between attempts. */
interface StoredJob {
  id: string
  queue: string
  data: unknown
  attempt: number
  maxAttempts: number
  backoff: JobOptions['backoff']
  enqueuedAt: Date
}

/** One queue: its waiting jobs, and its handler once a worker consumes it. */
interface QueueState {
  waiting: StoredJob[]
  running: number
  concurrency: number
  handler: JobHandler | undefined
}

/**
 * The embedded queue: jobs kept in this process's memory, run by the workers of this process.
 * It has what a broker has — job ids, delayed jobs, retries with backoff, a failed set, a
 * graceful close — except durability: jobs still waiting when the process stops are lost
 * (`close()` logs how many). Use a broker backend when jobs must survive a restart or be
 * shared by several processes.
 *
 * ```ts
 * const queues = createQueues({ backend: new MemoryQueueBackend({ keepFailed: 100 }) })
 * ```
 */
export class MemoryQueueBackend implements QueueBackend {
  private readonly queues = new Map<string, QueueState>()
  /** Ids of jobs waiting, delayed or running, by queue: `jobId` de-duplication. */
  private readonly live = new Map<string, Set<string>>()
  private readonly timers = new Map<NodeJS.Timeout, StoredJob>()
  private readonly active = new Set<Promise<void>>()
  /** Failed jobs with what a retry needs, oldest first. */
  private readonly failed: { record: FailedJob; job: StoredJob }[] = []
  private readonly keepFailed: number
  private readonly logger: NonNullable<MemoryQueueOptions['logger']>
  private idleWaiters: Array<() => void> = []
  private closing: Promise<void> | undefined
  private dropped = 0

  constructor(options: MemoryQueueOptions = {}) {
    const keep = options.keepFailed ?? 1000
    if (!Number.isInteger(keep) || keep < 0) {
      throw new TypeError(`PIKKU_ERR_QUEUE: keepFailed must be a whole number of records, 0 or more; got ${String(keep)}`)
    }
    this.keepFailed = keep
    this.logger = options.logger ?? console
  }

  async enqueue(queue: string, data: unknown, options: JobOptions): Promise<string> {
    if (this.closing) {
      throw new Error(`PIKKU_ERR_QUEUE: cannot add a job to queue \`${queue}\`: the queues are stopped; enqueue before stop()`)
    }
    const id = options.jobId ?? randomUUID()
    const live = this.liveIds(queue)
    if (live.has(id)) return id
    live.add(id)
    const job: StoredJob = {
      id,
      queue,
      data,
      attempt: 1,
      maxAttempts: options.attempts,
      backoff: options.backoff,
      enqueuedAt: new Date(),
    }
    if (options.delayMs !== undefined && options.delayMs > 0) this.later(job, options.delayMs)
    else this.push(job)
    return id
  }

  async process(queue: string, options: ProcessOptions, handler: JobHandler): Promise<void> {
    if (this.closing) throw new Error(`PIKKU_ERR_QUEUE: cannot consume queue \`${queue}\`: the queues are stopped`)
    const state = this.state(queue)
    if (state.handler) throw new Error(`PIKKU_ERR_QUEUE: queue \`${queue}\` already has a worker in this process`)
    state.handler = handler
    state.concurrency = options.concurrency
    this.pump(state)
  }

  async failedJobs(queue?: string): Promise<FailedJob[]> {
    const records = this.failed.map((entry) => entry.record).filter((record) => queue === undefined || record.queue === queue)
    return records.map((record) => ({ ...record, error: { ...record.error } }))
  }

  async retryFailed(queue: string, id: string): Promise<boolean> {
    if (this.closing) throw new Error(`PIKKU_ERR_QUEUE: cannot retry job ${id}: the queues are stopped`)
    const index = this.failed.findIndex(({ record }) => record.queue === queue && record.id === id)
    if (index < 0 || this.liveIds(queue).has(id)) return false
    const { job } = this.failed.splice(index, 1)[0]!
    job.attempt = 1
    this.liveIds(queue).add(id)
    this.push(job)
    return true
  }

  /**
   * Stops handing out jobs and waits for the running ones, up to `graceMs`. Waiting and
   * delayed jobs, retries that were still due and jobs still running after the grace period
   * are dropped (logged with their count).
   */
  close(options: { graceMs: number } = { graceMs: DEFAULT_GRACE_MS }): Promise<void> {
    if (this.closing) return this.closing
    for (const timer of this.timers.keys()) clearTimeout(timer)
    this.dropped += this.timers.size
    this.timers.clear()
    for (const state of this.queues.values()) {
      this.dropped += state.waiting.length
      state.waiting = []
    }
    this.closing = settlesWithin(Promise.all(this.active), options.graceMs).then((inTime) => {
      if (!inTime) {
        const left = this.active.size
        this.log(
          `pikku: the in-memory queue stopped waiting for ${left} job${left === 1 ? '' : 's'} still running after the grace period of ${options.graceMs} ms (their ends are not recorded); use a broker backend to run such jobs again elsewhere`,
        )
      }
      this.live.clear()
      if (this.dropped > 0) {
        this.log(
          `pikku: the in-memory queue dropped ${this.dropped} job${this.dropped === 1 ? '' : 's'} on stop (waiting, delayed or due for a retry); use a broker backend to keep jobs across restarts`,
        )
      }
      this.settleIdle()
    })
    return this.closing
  }

  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  private state(queue: string): QueueState {
    let state = this.queues.get(queue)
    if (!state) this.queues.set(queue, (state = { waiting: [], running: 0, concurrency: 1, handler: undefined }))
    return state
  }

  private liveIds(queue: string): Set<string> {
    let ids = this.live.get(queue)
    if (!ids) this.live.set(queue, (ids = new Set()))
    return ids
  }

  private push(job: StoredJob): void {
    const state = this.state(job.queue)
    state.waiting.push(job)
    this.pump(state)
  }

  /** Puts `job` back in its queue after `delayMs` (a delayed job or a retry). */
  private later(job: StoredJob, delayMs: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      this.push(job)
    }, Math.min(delayMs, LONGEST_TIMER_MS))
    this.timers.set(timer, job)
  }

  /** Starts waiting jobs while the queue has free slots. */
  private pump(state: QueueState): void {
    while (state.handler && !this.closing && state.running < state.concurrency && state.waiting.length > 0) {
      this.run(state, state.handler, state.waiting.shift()!)
    }
    this.settleIdle()
  }

  private run(state: QueueState, handler: JobHandler, job: StoredJob): void {
    state.running++
    const view: QueueJob = {
      id: job.id,
      queue: job.queue,
      data: job.data,
      attempt: job.attempt,
      maxAttempts: job.maxAttempts,
      enqueuedAt: job.enqueuedAt,
    }
    const settled = (async () => handler(view))()
      .then(
        () => this.finish(job),
        (error: unknown) => this.attemptFailed(job, error),
      )
      .catch((error: unknown) => this.log('pikku: the in-memory queue failed to record the end of a job', error))
      .finally(() => {
        this.active.delete(settled)
        state.running--
        this.pump(state)
      })
    this.active.add(settled)
  }

  private finish(job: StoredJob): void {
    this.live.get(job.queue)?.delete(job.id)
  }

  private attemptFailed(job: StoredJob, error: unknown): void {
    if (job.attempt < job.maxAttempts) {
      if (this.closing) {
        this.dropped++
        this.finish(job)
        return
      }
      const delay = backoffDelay(job.backoff, job.attempt)
      job.attempt++
      this.later(job, delay)
      return
    }
    this.finish(job)
    const record: FailedJob = {
      id: job.id,
      queue: job.queue,
      data: job.data,
      attempts: job.attempt,
      error: describeFailure(error),
      failedAt: new Date(),
    }
    this.failed.push({ record, job })
    if (this.failed.length > this.keepFailed) this.failed.splice(0, this.failed.length - this.keepFailed)
    this.log(
      `pikku: job ${job.id} of queue \`${job.queue}\` failed after ${job.attempt} attempt${job.attempt === 1 ? '' : 's'}: ${record.error.name}: ${record.error.message}`,
    )
  }

  private isIdle(): boolean {
    if (this.active.size > 0) return false
    if (this.closing) return true
    if (this.timers.size > 0) return false
    for (const state of this.queues.values()) if (state.handler && state.waiting.length > 0) return false
    return true
  }

  private settleIdle(): void {
    if (this.idleWaiters.length === 0 || !this.isIdle()) return
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (const resolve of waiters) resolve()
  }

  /** Logs without ever throwing: a broken logger must not break the queue. */
  private log(message: string, ...args: unknown[]): void {
    try {
      this.logger.error(message, ...args)
    } catch {
      // Nothing else to tell.
    }
  }
}
