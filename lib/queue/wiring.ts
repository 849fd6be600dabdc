import { MOST_TIMEOUT_MS } from '../deadlines.js'
import { functionName } from '../functions.js'
import type { APIFunctionSessionless, InputOf } from '../types.js'
import type { BackoffOptions } from './backend.js'

/**
 * Queue names and the function each runs, declared once by module augmentation so that
 * `enqueue('send-welcome', data)` is typed by name (a worker's handle types it without this):
 *
 * ```ts
 * declare module '@pikku/native' {
 *   interface PikkuQueueMap {
 *     'send-welcome': typeof sendWelcome
 *   }
 * }
 * ```
 *
 * `addQueueWorker` then refuses, at compile time, a function with another input on that queue.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface PikkuQueueMap {}

/** A function a queue can run: jobs carry no session. */
export type QueueFunction = APIFunctionSessionless<any, any>

/** The queue names declared in {@link PikkuQueueMap}. */
export type QueueName = keyof PikkuQueueMap & string

/** The job data of a declared queue: its function's input. */
export type QueueData<Name extends QueueName> = InputOf<PikkuQueueMap[Name]>

/** How a function is wired to a queue. */
export interface QueueWorkerConfig<Name extends string = string, F extends QueueFunction = QueueFunction> {
  /** The queue's name (`send-welcome`). */
  queue: Name
  /** The function each job runs, with the job's data as its input (`pikkuSessionlessFunc`). */
  func: F
  /** The most jobs of this queue that run at once in one process (default 1). */
  concurrency?: number
  /** How many times a failed job runs again before it is recorded as failed (default 2). */
  retries?: number
  /** The wait before each retry (default exponential from 1000 ms: 1 s, 2 s, 4 s, …). */
  backoff?: BackoffOptions
  /**
   * How long one attempt may take, in ms (default 0: no limit). Past it the attempt fails
   * with a `GatewayTimeoutError` (and is retried as any failure) and the function's `signal`
   * service aborts.
   */
  timeoutMs?: number
}

/** A wired queue: the handle `addQueueWorker` returns, which types `enqueue`. */
export interface QueueWorker<Name extends string = string, F extends QueueFunction = QueueFunction> {
  readonly queue: Name
  readonly func: F
  readonly concurrency: number
  readonly retries: number
  readonly backoff: Readonly<Required<BackoffOptions>>
  readonly timeoutMs: number
}

/** The job data of a worker's queue: its function's input. */
export type QueueWorkerData<W> = W extends QueueWorker<string, infer F> ? InputOf<F> : never

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false

/**
 * A queue declared in {@link PikkuQueueMap} takes only a function with the declared input;
 * the mismatch shows on `func`.
 */
type DeclaredInput<Name extends string, F> = Name extends QueueName
  ? Same<InputOf<F>, QueueData<Name>> extends true
    ? unknown
    : { func: `queue "${Name}" is declared in PikkuQueueMap with another input type` }
  : unknown

const workers: QueueWorker[] = []

/**
 * Wires a function to a queue: each job enqueued on it runs the function through the app
 * (its services, its input validation), with `context.queue` telling the job's id and
 * attempt. Call it at the top level of a module, as `addRoute`; it returns the handle that
 * types `enqueue`.
 *
 * ```ts
 * export const sendWelcome = pikkuSessionlessFunc<{ userId: string }, void>(async ({ mailer }, { userId }) => {
 *   await mailer.sendWelcome(userId)
 * })
 * export const welcomeQueue = addQueueWorker({ queue: 'send-welcome', func: sendWelcome, concurrency: 4, retries: 3 })
 *
 * await queues.enqueue(welcomeQueue, { userId: 'u1' })
 * ```
 */
export function addQueueWorker<Name extends string, F extends QueueFunction>(
  wiring: QueueWorkerConfig<Name, F> & DeclaredInput<Name, F>,
): QueueWorker<Name, F> {
  const worker = Object.freeze({
    queue: wiring.queue,
    func: wiring.func,
    concurrency: wiring.concurrency ?? 1,
    retries: wiring.retries ?? 2,
    backoff: Object.freeze({ type: wiring.backoff?.type ?? 'exponential', delayMs: wiring.backoff?.delayMs ?? 1000 }),
    timeoutMs: wiring.timeoutMs ?? 0,
  })
  const problems = configProblems(worker)
  if (problems.length) throw new TypeError(problems.join('\n'))
  // The same module evaluated again (Next.js loads a module once per layer) registers the
  // same function again: the newer one replaces it. Another function on the same queue is a
  // conflict, reported when the queues start.
  const name = functionName(worker.func)
  const again = workers.findIndex(
    (w) => w.queue === worker.queue && name !== undefined && functionName(w.func) === name && String(w.func) === String(worker.func),
  )
  if (again >= 0) workers[again] = worker
  else workers.push(worker)
  return worker
}

/** Alias of {@link addQueueWorker}, in current Pikku's vocabulary. */
export const wireQueueWorker = addQueueWorker

/** The queue workers wired so far, in registration order. */
export function registeredQueueWorkers(): readonly QueueWorker[] {
  return workers
}

/** What is wrong with a worker's settings, one message each. */
function configProblems(worker: QueueWorker): string[] {
  const where = `addQueueWorker({ queue: ${JSON.stringify(worker.queue)} })`
  const problems: string[] = []
  if (typeof worker.queue !== 'string' || worker.queue === '') {
    problems.push(`PIKKU_ERR_QUEUE: ${where}: \`queue\` must be a non-empty name`)
  }
  if (typeof worker.func !== 'function') problems.push(`PIKKU_ERR_QUEUE: ${where}: \`func\` must be a function (pikkuSessionlessFunc)`)
  if (!Number.isInteger(worker.concurrency) || worker.concurrency < 1) {
    problems.push(`PIKKU_ERR_QUEUE: ${where}: \`concurrency\` must be a whole number, 1 or more; got ${String(worker.concurrency)}`)
  }
  if (!Number.isInteger(worker.retries) || worker.retries < 0) {
    problems.push(`PIKKU_ERR_QUEUE: ${where}: \`retries\` must be a whole number, 0 or more; got ${String(worker.retries)}`)
  }
  const { type, delayMs } = worker.backoff
  if (type !== 'exponential' && type !== 'fixed') {
    problems.push(`PIKKU_ERR_QUEUE: ${where}: \`backoff.type\` must be 'exponential' or 'fixed'; got ${JSON.stringify(type)}`)
  }
  if (typeof delayMs !== 'number' || !Number.isFinite(delayMs) || delayMs < 0) {
    problems.push(`PIKKU_ERR_QUEUE: ${where}: \`backoff.delayMs\` must be a number of milliseconds, 0 or more; got ${String(delayMs)}`)
  }
  if (!Number.isInteger(worker.timeoutMs) || worker.timeoutMs < 0 || worker.timeoutMs > MOST_TIMEOUT_MS) {
    problems.push(`PIKKU_ERR_QUEUE: ${where}: \`timeoutMs\` must be a whole number of milliseconds from 0 (no limit) to ${MOST_TIMEOUT_MS}; got ${String(worker.timeoutMs)}`)
  }
  return problems
}
