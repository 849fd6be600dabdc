import type { PikkuApp } from '../app.js'
import { graceOf, type CloseOptions } from '../close-options.js'
import { functionLabel } from '../functions.js'
import type { FailedJob, QueueBackend } from './backend.js'
import { MemoryQueueBackend } from './memory.js'
import { PikkuStartupError } from '../startup-error.js'
import { checkWorkers, runQueueJob } from './worker-runs.js'
import { registeredQueueWorkers, type QueueData, type QueueName, type QueueWorker, type QueueWorkerData } from './wiring.js'
import type { Logger } from '../types.js'

/** How the queues of a process are set up. */
export interface QueuesOptions {
  /** Where jobs are kept (default: a {@link MemoryQueueBackend} in this process). */
  backend?: QueueBackend
  /** The workers these queues know (default: every `addQueueWorker` made when `start` runs). */
  workers?: readonly QueueWorker[]
  /**
   * Whether this process runs the jobs (default true). `false` only enqueues (validated), for
   * a web process that leaves the work to worker processes sharing a broker backend.
   */
  consume?: boolean
  /** Where problems are logged (default `console`); also given to the default backend. */
  logger?: Logger
}

/** Options of one `enqueue`. */
export interface EnqueueOptions {
  /** The job's id: enqueuing an id that is still waiting or running adds nothing. */
  jobId?: string
  /** Runs the job no sooner than this many milliseconds from now. */
  delayMs?: number
}

/**
 * The queues of a process: typed, validated `enqueue`, the workers that run the jobs through
 * the app, the failed-job record, and a graceful `stop`. Made before the app so that it can be
 * one of the app's services, and started with the app:
 *
 * ```ts
 * const queues = createQueues()
 * const app = createApp({ singletonServices: { mailer, queues } })
 * await queues.start(app)
 *
 * await queues.enqueue(welcomeQueue, { userId: 'u1' })   // typed by the worker's function
 * await queues.enqueue('send-welcome', { userId: 'u1' }) // typed by PikkuQueueMap
 * await queues.stop()                                    // waits for running jobs
 * ```
 */
export class Queues {
  private readonly backend: QueueBackend
  private readonly options: QueuesOptions
  private readonly logger: NonNullable<QueuesOptions['logger']>
  private app: PikkuApp | undefined
  private byName = new Map<string, QueueWorker>()
  private starting: Promise<void> | undefined
  private stopping: Promise<void> | undefined

  constructor(options: QueuesOptions = {}) {
    this.options = options
    this.logger = options.logger ?? console
    this.backend = options.backend ?? new MemoryQueueBackend({ logger: this.logger })
  }

  /**
   * Binds the app (its validation and services) and starts consuming every known queue,
   * unless `consume: false`. Throws, before starting anything, when two workers share a
   * queue, or a worker's function needs a session or has no input schema (its jobs would go
   * unvalidated).
   */
  start(app: PikkuApp): Promise<void> {
    if (this.stopping) {
      return Promise.reject(new Error('PIKKU_ERR_QUEUE: the queues are stopped and cannot start again; make new ones with createQueues()'))
    }
    if (this.starting) {
      return Promise.reject(new Error('PIKKU_ERR_QUEUE: the queues are already started; call start(app) once'))
    }
    const { problems, byName } = checkWorkers(app, this.options.workers ?? registeredQueueWorkers())
    if (this.options.consume === false && !this.options.backend) {
      problems.push({
        code: 'PIKKU_ERR_QUEUE',
        subject: '`consume: false`',
        message: 'with the default in-memory backend, no process could ever run the jobs',
        fix: 'give a broker `backend`, or consume here',
      })
    }
    if (problems.length) return Promise.reject(new PikkuStartupError(problems))
    this.app = app
    this.byName = byName
    this.starting = this.consume(app, [...byName.values()])
    return this.starting
  }

  /**
   * Adds a job, after checking `data` against the worker function's input schema in the
   * engine: invalid data throws `UnprocessableContentError` (422, `payload.errors` naming
   * each path) and nothing is enqueued. Resolves to the job's id.
   *
   * ```ts
   * await queues.enqueue(welcomeQueue, { userId: 'u1' })
   * await queues.enqueue('send-welcome', { userId: 'u1' }, { delayMs: 60_000 })
   * ```
   */
  enqueue<W extends QueueWorker<string, any>>(worker: W, data: QueueWorkerData<W>, options?: EnqueueOptions): Promise<string>
  enqueue<Name extends QueueName>(queue: Name, data: QueueData<Name>, options?: EnqueueOptions): Promise<string>
  async enqueue(target: string | QueueWorker, data: unknown, options: EnqueueOptions = {}): Promise<string> {
    const app = this.app
    if (!app) throw new Error('PIKKU_ERR_QUEUE: the queues are not started; call `await queues.start(app)` before enqueue')
    if (this.stopping) throw new Error('PIKKU_ERR_QUEUE: the queues are stopped; enqueue before `queues.stop()`')
    const worker = this.workerFor(target)
    checkEnqueueOptions(worker.queue, options)
    const input = app.checkInput(worker.func, data, { auth: false })
    const jobOptions: Parameters<QueueBackend['enqueue']>[2] = { attempts: worker.retries + 1, backoff: { ...worker.backoff } }
    if (options.jobId !== undefined) jobOptions.jobId = options.jobId
    if (options.delayMs !== undefined) jobOptions.delayMs = options.delayMs
    return this.backend.enqueue(worker.queue, input, jobOptions)
  }

  /** The failed jobs (their last attempt threw) of one queue, or of all: oldest first. */
  failedJobs(queue?: string | QueueWorker): Promise<FailedJob[]> {
    return this.backend.failedJobs(typeof queue === 'object' ? queue.queue : queue)
  }

  /**
   * Runs failed job `id` again, with all its attempts, and drops its failed record: `false`
   * when the queue has no failed job of that id.
   *
   * ```ts
   * for (const job of await queues.failedJobs(welcomeQueue)) await queues.retryFailed(welcomeQueue, job.id)
   * ```
   */
  retryFailed(queue: string | QueueWorker, id: string): Promise<boolean> {
    return this.backend.retryFailed(typeof queue === 'object' ? queue.queue : queue, id)
  }

  /**
   * Resolves when no job is waiting, delayed (a retry included) or running: for tests and
   * scripts. Needs a backend that knows (the in-memory one does).
   */
  idle(): Promise<void> {
    if (!this.backend.idle) {
      return Promise.reject(new Error('PIKKU_ERR_QUEUE: this queue backend cannot tell when it is idle; wait on the jobs another way'))
    }
    return this.backend.idle()
  }

  /**
   * Stops taking jobs and resolves once the running ones have finished, or once `graceMs`
   * (default 10 000) passed: jobs still running then are logged, and a broker backend runs
   * them again in another process. The backend then closes. Enqueuing afterwards throws.
   * Calling it again returns the same promise.
   *
   * ```ts
   * process.on('SIGTERM', () => queues.stop({ graceMs: 30_000 }).then(() => process.exit(0)))
   * ```
   */
  stop(options?: CloseOptions): Promise<void> {
    if (!this.stopping) {
      const graceMs = graceOf(options)
      const started = this.starting ?? Promise.resolve()
      // A start that failed has nothing running; stop still closes the backend.
      this.stopping = started.catch(() => undefined).then(() => this.backend.close({ graceMs }))
    }
    return this.stopping
  }

  /** Hands each queue's jobs to its function, through the app. */
  private async consume(app: PikkuApp, workers: readonly QueueWorker[]): Promise<void> {
    if (this.options.consume === false) return
    for (const worker of workers) {
      await this.backend.process(worker.queue, { concurrency: worker.concurrency }, (job) => runQueueJob(app, worker, job))
    }
  }


  private workerFor(target: string | QueueWorker): QueueWorker {
    const name = typeof target === 'string' ? target : target?.queue
    const worker = typeof name === 'string' ? this.byName.get(name) : undefined
    if (!worker) {
      const known = [...this.byName.keys()].map((n) => `\`${n}\``).join(', ') || 'none'
      throw new Error(
        `PIKKU_ERR_QUEUE: no worker is wired to queue \`${String(name)}\` (known: ${known}); wire one with addQueueWorker({ queue: ${JSON.stringify(name)}, func }) in a module loaded before start(app)`,
      )
    }
    if (typeof target === 'object' && target.func !== worker.func) {
      throw new Error(
        `PIKKU_ERR_QUEUE_CONFLICT: queue \`${worker.queue}\` runs function \`${labelOf(worker)}\`, but the handle given to enqueue has \`${labelOf(target)}\``,
      )
    }
    return worker
  }
}

/** Makes the queues of a process; see {@link Queues}. */
export function createQueues(options: QueuesOptions = {}): Queues {
  return new Queues(options)
}

function checkEnqueueOptions(queue: string, options: EnqueueOptions): void {
  const { jobId, delayMs } = options
  if (jobId !== undefined && (typeof jobId !== 'string' || jobId === '')) {
    throw new TypeError(`PIKKU_ERR_QUEUE: enqueue on \`${queue}\`: \`jobId\` must be a non-empty string; got ${String(jobId)}`)
  }
  // Brokers number their own jobs and put ':' in their keys: such ids would be refused there.
  if (jobId !== undefined && (/^-?\d+$/.test(jobId) || jobId.includes(':'))) {
    throw new TypeError(
      `PIKKU_ERR_QUEUE: enqueue on \`${queue}\`: \`jobId\` ${JSON.stringify(jobId)} is a whole number or has a ':', which queue brokers keep for their own ids; prefix it (\`order-${jobId.replace(/:/g, '-')}\`)`,
    )
  }
  if (delayMs !== undefined && (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0)) {
    throw new TypeError(`PIKKU_ERR_QUEUE: enqueue on \`${queue}\`: \`delayMs\` must be a number of milliseconds, 0 or more; got ${String(delayMs)}`)
  }
}

function labelOf(worker: QueueWorker): string {
  return functionLabel(worker.func)
}
