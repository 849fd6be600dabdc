// What the queue suites share: a check that no job left a rejection unhandled, a logger that
// keeps its lines, and queues started on the in-memory backend.
import { afterAll, beforeAll, expect } from 'vitest'

import { createQueues, MemoryQueueBackend, type QueueWorker } from '@pikku/native'

import { makeQueueApp } from '../fixtures/queue-app.js'

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
