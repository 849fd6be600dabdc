// The contract between queue workers and where their jobs are kept. The in-memory queue
// (./memory.ts) is the embedded default; a broker adapter (BullMQ on Redis, pg-boss on
// PostgreSQL) implements the same interface, so functions and wirings do not change.

/**
 * How long to wait before a retry. `exponential` waits `delayMs × 2^(attempt − 1)` after the
 * failed attempt (`delayMs`, then twice it, four times, …), as BullMQ's `exponential` and
 * pg-boss's `retryBackoff` do; `fixed` waits `delayMs` each time.
 */
export interface BackoffOptions {
  /** Default `exponential`. */
  type?: 'exponential' | 'fixed'
  /** The first retry's delay in milliseconds (default 1000). */
  delayMs?: number
}

/** What a backend is told about a job when it is added. */
export interface JobOptions {
  /** Runs in all, the first one included (a worker's `retries + 1`). */
  attempts: number
  /** The wait before each retry. */
  backoff: Required<BackoffOptions>
  /**
   * The job's id. Adding a job whose id is still waiting, delayed or running adds nothing and
   * returns that id (BullMQ's `jobId`, pg-boss's `id`). Default: a fresh UUID.
   */
  jobId?: string
  /** Runs the first attempt no sooner than this many milliseconds from now. */
  delayMs?: number
}

/** One run of a job, as the backend hands it to its worker. */
export interface QueueJob<Data = unknown> {
  /** The job's id: the same on every attempt. */
  readonly id: string
  /** The queue's name. */
  readonly queue: string
  /** The validated data, as JSON gives it back (a broker stores it as JSON). */
  readonly data: Data
  /** This attempt: 1 for the first run. */
  readonly attempt: number
  /** The number of attempts the job has in all. */
  readonly maxAttempts: number
  /** When the job was added. */
  readonly enqueuedAt: Date
}

/** A job that failed its last attempt (the record a broker's failed set keeps). */
export interface FailedJob<Data = unknown> {
  /** The job's id. */
  id: string
  /** The queue's name. */
  queue: string
  /** The job's data. */
  data: Data
  /** How many attempts ran. */
  attempts: number
  /** What the last attempt threw: its class name (`NotFoundError`, `Error`) and message. */
  error: { name: string; message: string }
  /** When the last attempt failed. */
  failedAt: Date
}

/** How a queue is consumed in this process. */
export interface ProcessOptions {
  /** The most jobs of this queue run at once in this process. */
  concurrency: number
}

/**
 * Runs one attempt of a job. Resolving completes the job; rejecting fails the attempt: the
 * backend retries it after its backoff while attempts remain, and records it as failed after
 * the last one.
 */
export type JobHandler = (job: QueueJob) => Promise<unknown>

/**
 * Where jobs are kept and how they are handed to workers. Retries, their backoff and the
 * failed set belong to the backend, because a broker keeps them across restarts: a job
 * waiting for its retry in Redis survives a deploy, one in memory does not.
 *
 * An adapter for BullMQ maps `enqueue` to `queue.add(name, data, { jobId, attempts, delay,
 * backoff: { type, delay } })`, `process` to `new Worker(name, handler, { concurrency })`,
 * `failedJobs` to `queue.getFailed()`, `retryFailed` to `job.retry()` and `close` to
 * `worker.pause()`, then `worker.close()` (see `./bullmq.ts`).
 */
export interface QueueBackend {
  /**
   * Adds a job to `queue` and returns its id. Rejects when the backend is closed. The data
   * is already validated and must be stored as JSON.
   */
  enqueue(queue: string, data: unknown, options: JobOptions): Promise<string>
  /**
   * Starts handing the jobs of `queue` to `handler`, at most `options.concurrency` at once
   * in this process. Called once per queue.
   */
  process(queue: string, options: ProcessOptions, handler: JobHandler): Promise<void>
  /** The failed jobs of one queue, or of every queue: oldest first. */
  failedJobs(queue?: string): Promise<FailedJob[]>
  /**
   * Runs failed job `id` of `queue` again, with all its attempts, and drops its failed
   * record: `false` when there is no such failed job (or a live job has its id now).
   */
  retryFailed(queue: string, id: string): Promise<boolean>
  /**
   * Stops handing out jobs and resolves once the running ones have settled, or once
   * `graceMs` passed (jobs still running then are logged; a broker runs them again
   * elsewhere); then the backend's connections are released. Calling it again returns the
   * same promise.
   */
  close(options?: { graceMs: number }): Promise<void>
  /**
   * Resolves when no job is waiting, delayed or running in the queues this process
   * consumes (for tests and scripts). Optional: a broker may not know it cheaply.
   */
  idle?(): Promise<void>
}

/** The wait in milliseconds after attempt `attempt` (1 for the first run) failed. */
export function backoffDelay(backoff: Required<BackoffOptions>, attempt: number): number {
  return backoff.type === 'fixed' ? backoff.delayMs : backoff.delayMs * 2 ** (attempt - 1)
}

/** The class name and message of a thrown value, for a failed-job record. */
export function describeFailure(error: unknown): { name: string; message: string } {
  if (error instanceof Error) return { name: error.name || 'Error', message: error.message }
  if (typeof error === 'object' && error !== null) {
    const { name, message } = error as { name?: unknown; message?: unknown }
    if (typeof message === 'string') return { name: typeof name === 'string' ? name : 'Error', message }
  }
  let text: string
  try {
    text = typeof error === 'string' ? error : JSON.stringify(error) ?? String(error)
  } catch {
    text = String(error)
  }
  return { name: 'NonErrorThrown', message: `the function threw a ${error === null ? 'null' : typeof error}, not an Error: ${text}` }
}
