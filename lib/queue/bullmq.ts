// The queue backend on BullMQ 6: jobs kept in Redis, or in PostgreSQL through BullMQ's own
// PostgreSQL backend (the same Queue and Worker API), shared by every process that names the
// same server and prefix. `bullmq` (and `ioredis` or `pg`) are optional peer dependencies,
// loaded when a backend is made, so the core install does not carry them.
import { randomUUID } from 'node:crypto'

import type * as BullMQ from 'bullmq'

import type { Logger } from '../types.js'
import { ServiceUnavailableError } from '../errors.js'
import { describeFailure, type FailedJob, type JobHandler, type JobOptions, type ProcessOptions, type QueueBackend, type QueueJob } from './backend.js'
import { DEFAULT_GRACE_MS } from '../close-options.js'
import { connectionFor, loadBullMQ, type AnyQueue, type AnyWorker, type BullMQConnection } from './bullmq-connection.js'
import { RunningJobs, stopWorker } from './bullmq-stop.js'

/** How the BullMQ backend is set up. */
export interface BullMQBackendOptions {
  /** Redis (a URL, ioredis options or client) or `{ postgres }`. */
  connection: BullMQConnection
  /** The prefix of the Redis keys, or the PostgreSQL schema (default `pikku`): apps sharing a server differ by it. */
  prefix?: string
  /** How many failed jobs each queue keeps, the oldest dropped first (default 1000). */
  keepFailed?: number
  /** Where final failures and connection errors are logged (default `console`). */
  logger?: Logger
  /**
   * How long `start`, and an enqueue on a queue not yet connected, wait for the server before
   * they fail (default 10 000 ms). Once connected, an enqueue while the server is away fails
   * at once with a 503 rather than waiting: the caller knows the job was not taken.
   */
  connectTimeoutMs?: number
  /**
   * How long a worker holds a running job before another process may take it as stalled, in
   * ms (default 30 000, BullMQ's; renewed while the job runs): how soon a job whose process
   * died runs again. The stalled check runs every half of it.
   */
  lockMs?: number
}

/** How often `idle()` looks at the queues' counts. */
const IDLE_POLL_MS = 25

/**
 * Queues on BullMQ: jobs survive restarts and are shared by every process using the same
 * connection and prefix; retries, their backoff, delayed jobs and the failed set are BullMQ's.
 * Delivery is at least once: a job whose process dies mid-run runs again (BullMQ's stalled
 * check), so a job's function should be safe to run twice.
 *
 * ```ts
 * import { BullMQBackend } from '@pikku/native/bullmq'
 * const queues = createQueues({ backend: new BullMQBackend({ connection: 'redis://127.0.0.1:6379' }) })
 * ```
 */
export class BullMQBackend implements QueueBackend {
  private readonly bull: typeof BullMQ
  private readonly connection: BullMQ.ConnectionOptions | BullMQ.PostgresConnectionOptions
  private readonly factory: BullMQ.BackendFactory<any, any> | undefined
  private readonly prefix: string
  private readonly keepFailed: number
  private readonly logger: Logger
  private readonly connectTimeoutMs: number
  private readonly lockMs: number | undefined
  /** The server, for messages (a URL without its password, or `PostgreSQL`). */
  private readonly where: string
  private readonly queues = new Map<string, AnyQueue>()
  private readonly workers = new Map<string, AnyWorker>()
  /** The jobs each consumed queue is running now. */
  private readonly running = new Map<string, RunningJobs>()
  /** The queues whose connection was up once: their adds no longer wait for it. */
  private readonly connected = new Set<string>()
  private closing: Promise<void> | undefined

  constructor(options: BullMQBackendOptions) {
    this.bull = loadBullMQ()
    this.prefix = options.prefix ?? 'pikku'
    this.keepFailed = options.keepFailed ?? 1000
    this.logger = options.logger ?? console
    this.connectTimeoutMs = options.connectTimeoutMs ?? 10_000
    this.lockMs = options.lockMs
    const resolved = connectionFor(options.connection, this.prefix, this.connectTimeoutMs)
    this.connection = resolved.connection
    this.factory = resolved.factory
    this.where = resolved.where
  }

  async enqueue(queue: string, data: unknown, options: JobOptions): Promise<string> {
    if (this.closing) throw new Error('PIKKU_ERR_QUEUE: the BullMQ backend is closed; enqueue before stop()')
    const target = this.queue(queue)
    if (!this.connected.has(queue)) {
      try {
        await this.within(target.waitUntilReady(), queue, (why) => new ServiceUnavailableError(`${why}; the job was not enqueued`))
      } catch (error) {
        // BullMQ keeps a first connection's failure: the next enqueue starts on a new Queue.
        this.queues.delete(queue)
        void closeQuietly(target)
        if (error instanceof ServiceUnavailableError) throw error
        throw new ServiceUnavailableError(`queue \`${queue}\`: the job was not enqueued: ${this.where} cannot be reached (${(error as Error).message})`)
      }
      this.connected.add(queue) // from now on an add while the server is away fails at once
    }
    const job = await target.add(queue, data, {
      jobId: options.jobId ?? randomUUID(),
      attempts: options.attempts,
      backoff: { type: options.backoff.type, delay: options.backoff.delayMs },
      delay: options.delayMs,
      removeOnComplete: true,
      removeOnFail: { count: this.keepFailed },
    }).catch((error: Error) => {
      throw new ServiceUnavailableError(`queue \`${queue}\`: the job was not enqueued: ${this.where} cannot be reached (${error.message})`)
    })
    return job.id!
  }

  async process(queue: string, options: ProcessOptions, handler: JobHandler): Promise<void> {
    const locks = this.lockMs === undefined ? {} : { lockDuration: this.lockMs, stalledInterval: Math.max(1, Math.floor(this.lockMs / 2)) }
    const running = new RunningJobs()
    this.running.set(queue, running)
    const processor = (job: BullMQ.Job, token?: string) => running.run(job, token, () => runAttempt(job, handler))
    const worker: AnyWorker = this.construct(this.bull.Worker, queue, processor, { concurrency: options.concurrency, ...locks })
    worker.on('error', (error: Error) => this.logger.error(`pikku: BullMQ worker of queue \`${queue}\`: ${error.message}`))
    worker.on('failed', (job: BullMQ.Job | undefined, error: Error) => {
      if (!job || job.attemptsMade < (job.opts.attempts ?? 1)) return // retried
      this.logger.error(`pikku: job ${job.id} of queue \`${queue}\` failed after ${job.attemptsMade} attempts: ${error.name}: ${error.message}`)
    })
    this.workers.set(queue, worker)
    await this.ready(worker, queue)
  }

  /** Resolves once `worker` reached the server; fails start-up when it cannot in time. */
  private async ready(worker: AnyWorker, queue: string): Promise<void> {
    let lastError = ''
    const noteError = (error: Error) => void (lastError = `: ${error.message}`)
    worker.on('error', noteError)
    try {
      await this.within(worker.waitUntilReady(), queue, (why) => new Error(`PIKKU_ERR_QUEUE: ${why}${lastError}; is the server running, and is \`connection\` right?`))
    } catch (error) {
      this.workers.delete(queue)
      void worker.close(true).catch(() => undefined)
      throw error
    } finally {
      worker.off('error', noteError)
    }
  }

  /** Waits for `connecting`, or throws the error `fail` makes once `connectTimeoutMs` passed. */
  private async within(connecting: Promise<unknown>, queue: string, fail: (why: string) => Error): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    const late = new Promise<never>((_, reject) => {
      const why = `the BullMQ backend could not reach ${this.where} within ${this.connectTimeoutMs} ms for queue \`${queue}\``
      timer = setTimeout(() => reject(fail(why)), this.connectTimeoutMs)
    })
    try {
      await Promise.race([connecting, late])
    } finally {
      clearTimeout(timer)
    }
  }

  async failedJobs(queue?: string): Promise<FailedJob[]> {
    const names = queue === undefined ? [...new Set([...this.queues.keys(), ...this.workers.keys()])] : [queue]
    const lists = await Promise.all(names.map((name) => this.queue(name).getFailed(0, -1)))
    return lists
      .flat()
      .map(failedRecord)
      .sort((a, b) => a.failedAt.getTime() - b.failedAt.getTime())
  }

  async retryFailed(queue: string, id: string): Promise<boolean> {
    if (this.closing) throw new Error(`PIKKU_ERR_QUEUE: cannot retry job ${id}: the BullMQ backend is closed`)
    const job = await this.bull.Job.fromId(this.queue(queue), id)
    if (!job || !(await job.isFailed())) return false
    await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true })
    return true
  }

  close(options: { graceMs: number } = { graceMs: DEFAULT_GRACE_MS }): Promise<void> {
    this.closing ??= (async () => {
      // Workers first: each stops taking jobs and waits for its running ones, within the grace.
      await Promise.all(
        [...this.workers].map(async ([queue, worker]) => {
          const left = await stopWorker(worker, this.running.get(queue)!, options.graceMs)
          if (left === 0) return
          this.logger.error(
            `pikku: ${left} job${left === 1 ? '' : 's'} of queue \`${queue}\` still running after the grace period of ${options.graceMs} ms; BullMQ runs ${left === 1 ? 'it' : 'them'} again in another process once the lock lapses`,
          )
        }),
      )
      await Promise.all([...this.queues.values()].map(closeQuietly))
    })()
    return this.closing
  }

  async idle(): Promise<void> {
    for (;;) {
      const counts = await Promise.all(
        [...this.workers.keys()].map((name) => this.queue(name).getJobCounts('wait', 'active', 'delayed', 'prioritized', 'waiting-children')),
      )
      if (counts.every((count) => Object.values(count).every((n) => n === 0))) return
      await new Promise((resolve) => setTimeout(resolve, IDLE_POLL_MS))
    }
  }

  /** The Queue object of `name`, made once. */
  private queue(name: string): AnyQueue {
    const known = this.queues.get(name)
    if (known) return known
    // Without the offline queue, an add while Redis is away fails at once instead of waiting
    // to be sent later, unbeknown to the caller that was told it failed.
    const offline = this.factory || isClient(this.connection) ? {} : { connection: { ...(this.connection as object), enableOfflineQueue: false } }
    const queue: AnyQueue = this.construct(this.bull.Queue, name, undefined, offline)
    queue.on('error', (error: Error) => this.logger.error(`pikku: BullMQ queue \`${name}\`: ${error.message}`))
    this.queues.set(name, queue)
    return queue
  }

  /** A BullMQ class on this backend's connection and prefix (and the PostgreSQL factory, if any). */
  private construct(Class: new (...args: any[]) => unknown, name: string, ...rest: unknown[]): any {
    const [processor, extra] = rest.length ? [rest[0], rest[1] as object] : [undefined, undefined]
    const opts = { connection: this.connection, prefix: this.prefix, ...extra }
    const args = processor === undefined ? [name, opts] : [name, processor, opts]
    return this.factory ? new Class(...args, this.factory) : new Class(...args)
  }
}

/** One attempt through the handler; a failure is stored with its class name as its stack. */
async function runAttempt(job: BullMQ.Job, handler: JobHandler): Promise<unknown> {
  const attempt: QueueJob = {
    id: job.id!,
    queue: job.queueName,
    data: job.data,
    attempt: job.attemptsMade + 1,
    maxAttempts: job.opts.attempts ?? 1,
    enqueuedAt: new Date(job.timestamp),
  }
  try {
    return await handler(attempt)
  } catch (thrown) {
    // BullMQ keeps a failure's message and stack; the stack, cut to `Name: message`, carries
    // the name into the failed-job record (and no frames of the app into the broker).
    const { name, message } = describeFailure(thrown)
    const failure = new Error(message)
    failure.name = name
    failure.stack = `${name}: ${message}`
    throw failure
  }
}

/** A failed BullMQ job as a failed-job record. */
function failedRecord(job: BullMQ.Job): FailedJob {
  const stack = job.stacktrace?.at(-1) ?? ''
  const named = /^([A-Za-z_$][\w$]*): /.exec(stack)
  return {
    id: job.id!,
    queue: job.queueName,
    data: job.data,
    attempts: job.attemptsMade,
    error: { name: named?.[1] ?? 'Error', message: job.failedReason },
    failedAt: new Date(job.finishedOn ?? job.processedOn ?? job.timestamp),
  }
}

/** Whether a Redis connection is a client the caller made (its options are not ours to change). */
function isClient(connection: unknown): boolean {
  return typeof (connection as { duplicate?: unknown }).duplicate === 'function'
}

/**
 * Closes a Queue; when the server is away (a Redis client without its offline queue cannot
 * even say QUIT), drops its connection instead, so that no reconnect keeps the process alive.
 */
async function closeQuietly(queue: AnyQueue): Promise<void> {
  try {
    await queue.close()
  } catch {
    await queue.disconnect().catch(() => undefined)
  }
}
