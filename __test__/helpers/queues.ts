// What the queue suites share: a check that no job left a rejection unhandled, a logger that
// keeps its lines, queues started on the in-memory backend, and the failed-job retry, checked
// the same way on every backend.
import { afterAll, beforeAll, expect } from 'vitest'

import { addQueueWorker, createQueues, MemoryQueueBackend, type Queues, type QueueWorker } from '@pikku/native'

import { jobFunction, makeQueueApp } from '../fixtures/queue-app.js'

/** Fails the file if any test, however its jobs failed, left a rejection unhandled. */
export function expectNoUnhandledRejections() {
  const unhandled: unknown[] = []
  const onUnhandled = (reason: unknown) => unhandled.push(reason)
  beforeAll(() => {
    process.on('unhandledRejection', onUnhandled)
  })
  afterAll(() => {
    process.off('unhandledRejection', onUnhandled)
    // No test, however its jobs failed, may leave a rejection unhandled.
    expect(unhandled).toEqual([])
  })
}

/** A logger that keeps what it is given. */
export function memoryLogger() {
  const lines: string[] = []
  return { lines, error: (message: string) => void lines.push(message) }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export async function started(workers: readonly QueueWorker[], options: { backend?: MemoryQueueBackend } = {}) {
  const logger = memoryLogger()
  const backend = options.backend ?? new MemoryQueueBackend({ logger })
  const queues = createQueues({ workers, backend, logger })
  await queues.start(makeQueueApp())
  return { queues, backend, logger }
}

/**
 * The failed-job retry, on queues made by `start`: a job that fails while `failing` is set
 * lands in the failed set; `retryFailed` runs it again with all its attempts, it completes,
 * and its record is gone. An unknown id is `false`.
 */
export async function expectRetryOfFailed(start: (workers: readonly QueueWorker[]) => Promise<{ queues: Queues }>, queue: string) {
  let failing = true
  const { func, calls } = jobFunction(`retry-${queue}`, () => {
    if (failing) throw new Error('not yet')
  })
  const worker = addQueueWorker({ queue, func, retries: 1, backoff: { delayMs: 10 } })
  const { queues } = await start([worker])
  const id = await queues.enqueue(worker, { n: 1 })
  await queues.idle()
  expect((await queues.failedJobs(worker)).map((job) => [job.id, job.attempts])).toEqual([[id, 2]])
  failing = false
  expect(await queues.retryFailed(worker, id)).toBe(true)
  await queues.idle()
  expect(calls.map((call) => call.queue?.attempt)).toEqual([1, 2, 1])
  expect(await queues.failedJobs(worker)).toEqual([])
  expect(await queues.retryFailed(worker, id)).toBe(false)
  expect(await queues.retryFailed(worker, 'no-such-job')).toBe(false)
  await queues.stop()
}
