// Queue workers on the in-memory queue running jobs: retries with backoff, the failed-job
// record and its retry, the concurrency limit, and a graceful stop.
import { describe, expect, it, vi } from 'vitest'

import { addQueueWorker, backoffDelay, ConflictError, MemoryQueueBackend, type FailedJob } from '@pikku/native'

import { jobFunction } from './fixtures/queue-app.js'
import { expectNoUnhandledRejections, expectRetryOfFailed, memoryLogger, sleep, started } from './helpers/queues.js'

expectNoUnhandledRejections()

/** A promise with its resolver, to hold a job until the test lets it go. */
function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { opened, open }
}

describe('retries', () => {
  it('runs a failed job again on retryFailed, with all its attempts', () => expectRetryOfFailed(started, 'memory-retry'))

  it('retries a throwing job with growing backoff, then records it as failed with its attempts and last error', async () => {
    const { func, calls } = jobFunction('flaky', (_data, call) => {
      throw new ConflictError(`mailbox busy on attempt ${call.queue?.attempt}`)
    })
    const worker = addQueueWorker({ queue: 'flaky', func, retries: 3, backoff: { delayMs: 20 } })
    const { queues, logger } = await started([worker])
    const timers = vi.spyOn(globalThis, 'setTimeout')
    const id = await queues.enqueue(worker, { n: 7 })
    await queues.idle()
    // The waits the queue asked for (vitest's own timers are seconds long).
    const waits = timers.mock.calls.map(([, ms]) => ms).filter((ms) => ms !== undefined && ms < 1000)
    timers.mockRestore()

    expect(calls.map((c) => c.queue?.attempt)).toEqual([1, 2, 3, 4])
    expect(calls.every((c) => c.queue?.maxAttempts === 4 && c.queue.jobId === id)).toBe(true)
    expect(waits).toEqual([20, 40, 80])
    // And they were waited: each gap at least its backoff (a timer may fire a millisecond
    // early by the monotonic clock).
    const gaps = calls.slice(1).map((c, i) => c.at - calls[i]!.at)
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(20 * 2 ** i - 2))

    const failed = await queues.failedJobs(worker)
    expect(failed).toEqual<FailedJob[]>([
      {
        id,
        queue: 'flaky',
        data: { n: 7 },
        attempts: 4,
        error: { name: 'ConflictError', message: 'mailbox busy on attempt 4' },
        failedAt: expect.any(Date),
      },
    ])
    expect(await queues.failedJobs('flaky')).toEqual(failed)
    expect(await queues.failedJobs('other')).toEqual([])
    expect(logger.lines).toEqual([`pikku: job ${id} of queue \`flaky\` failed after 4 attempts: ConflictError: mailbox busy on attempt 4`])
    await queues.stop()
  })

  it('completes a job that succeeds on a retry, with no failure record', async () => {
    const { func, calls } = jobFunction('second-time', (_data, call) => {
      if (call.queue?.attempt === 1) throw new Error('first attempt fails')
    })
    const worker = addQueueWorker({ queue: 'second-time', func, retries: 1, backoff: { type: 'fixed', delayMs: 5 } })
    const { queues, logger } = await started([worker])
    await queues.enqueue(worker, { n: 1 })
    await queues.idle()
    expect(calls.map((c) => c.queue?.attempt)).toEqual([1, 2])
    expect(await queues.failedJobs()).toEqual([])
    expect(logger.lines).toEqual([])
    await queues.stop()
  })

  it('records a thrown value that is not an Error', async () => {
    const { func } = jobFunction('throws-string', () => {
      throw 'out of paper'
    })
    const worker = addQueueWorker({ queue: 'throws-string', func, retries: 0 })
    const { queues } = await started([worker])
    await queues.enqueue(worker, { n: 1 })
    await queues.idle()
    const [record] = await queues.failedJobs()
    expect(record).toMatchObject({ attempts: 1, error: { name: 'NonErrorThrown', message: 'the function threw a string, not an Error: out of paper' } })
    await queues.stop()
  })

  it('computes exponential and fixed backoff', () => {
    expect([1, 2, 3, 4].map((n) => backoffDelay({ type: 'exponential', delayMs: 100 }, n))).toEqual([100, 200, 400, 800])
    expect([1, 2, 3].map((n) => backoffDelay({ type: 'fixed', delayMs: 100 }, n))).toEqual([100, 100, 100])
  })

  it('keeps at most keepFailed records, dropping the oldest', async () => {
    const { func } = jobFunction('always-fails', ({ n }) => {
      throw new Error(`failed ${n}`)
    })
    const worker = addQueueWorker({ queue: 'always-fails', func, retries: 0 })
    const { queues } = await started([worker], { backend: new MemoryQueueBackend({ keepFailed: 2, logger: memoryLogger() }) })
    for (const n of [1, 2, 3]) await queues.enqueue(worker, { n })
    await queues.idle()
    expect((await queues.failedJobs()).map((job) => job.data)).toEqual([{ n: 2 }, { n: 3 }])
    await queues.stop()
  })
})

describe('concurrency', () => {
  it('runs at most `concurrency` jobs of a worker at once, and all of them', async () => {
    let inFlight = 0
    let most = 0
    const { func, calls } = jobFunction('slow', async () => {
      inFlight++
      most = Math.max(most, inFlight)
      await sleep(25)
      inFlight--
    })
    const worker = addQueueWorker({ queue: 'slow', func, concurrency: 2 })
    const { queues } = await started([worker])
    await Promise.all([1, 2, 3, 4, 5, 6].map((n) => queues.enqueue(worker, { n })))
    await queues.idle()
    expect(most).toBe(2)
    expect(calls.map((c) => c.n).sort()).toEqual([1, 2, 3, 4, 5, 6])
    // Three waves of two: the last pair starts after the first two have finished.
    expect(calls[4]!.at - calls[0]!.at).toBeGreaterThanOrEqual(45)
    await queues.stop()
  })

  it('gives each worker its own limit', async () => {
    const running = { a: 0, b: 0 }
    const most = { a: 0, b: 0 }
    const make = (key: 'a' | 'b') =>
      jobFunction(`limit-${key}`, async () => {
        running[key]++
        most[key] = Math.max(most[key], running[key])
        await sleep(10)
        running[key]--
      })
    const a = addQueueWorker({ queue: 'limit-a', func: make('a').func, concurrency: 1 })
    const b = addQueueWorker({ queue: 'limit-b', func: make('b').func, concurrency: 3 })
    const { queues } = await started([a, b])
    for (const n of [1, 2, 3, 4]) {
      await queues.enqueue(a, { n })
      await queues.enqueue(b, { n })
    }
    await queues.idle()
    expect(most).toEqual({ a: 1, b: 3 })
    await queues.stop()
  })
})

describe('stop', () => {
  it('waits for running jobs, drops waiting ones (logged) and refuses new ones', async () => {
    const hold = gate()
    const { func, calls } = jobFunction('held', async () => {
      await hold.opened
    })
    const worker = addQueueWorker({ queue: 'held', func, concurrency: 1 })
    const { queues, logger } = await started([worker])
    await queues.enqueue(worker, { n: 1 })
    await queues.enqueue(worker, { n: 2 })
    await queues.enqueue(worker, { n: 3 }, { delayMs: 10_000 })
    await vi.waitFor(() => expect(calls).toHaveLength(1))

    let stopped = false
    const stopping = queues.stop().then(() => (stopped = true))
    expect(queues.stop()).toBe(queues.stop())
    await sleep(30)
    expect(stopped).toBe(false)
    await expect(queues.enqueue(worker, { n: 4 })).rejects.toThrow(/stopped/)

    hold.open()
    await stopping
    expect(stopped).toBe(true)
    expect(calls.map((c) => c.n)).toEqual([1])
    expect(logger.lines).toEqual(['pikku: the in-memory queue dropped 2 jobs on stop (waiting, delayed or due for a retry); use a broker backend to keep jobs across restarts'])
    await queues.idle()
  })

  it('stops waiting after graceMs, and says how many jobs it left running', async () => {
    const { func, calls } = jobFunction('stuck', () => new Promise<void>(() => {}))
    const worker = addQueueWorker({ queue: 'stuck', func, concurrency: 2 })
    const { queues, logger } = await started([worker])
    await queues.enqueue(worker, { n: 1 })
    await queues.enqueue(worker, { n: 2 })
    await vi.waitFor(() => expect(calls).toHaveLength(2))
    const began = performance.now()
    await queues.stop({ graceMs: 100 })
    expect(performance.now() - began).toBeGreaterThanOrEqual(95)
    expect(performance.now() - began).toBeLessThan(1000)
    expect(logger.lines).toEqual([
      'pikku: the in-memory queue stopped waiting for 2 jobs still running after the grace period of 100 ms (their ends are not recorded); use a broker backend to run such jobs again elsewhere',
    ])
    await expect(started([]).then(({ queues: other }) => other.stop({ graceMs: -1 }))).rejects.toThrow(/PIKKU_ERR_CLOSE: graceMs must be a whole number/)
  })

  it('records a job that fails its last attempt while stopping, and drops one that had retries left', async () => {
    const hold = gate()
    const { func } = jobFunction('fails-while-stopping', async ({ n }) => {
      await hold.opened
      throw new Error(`failed ${n}`)
    })
    const last = addQueueWorker({ queue: 'fails-while-stopping', func, retries: 0 })
    const { func: func2 } = jobFunction('retry-while-stopping', async () => {
      await hold.opened
      throw new Error('would retry')
    })
    const retrying = addQueueWorker({ queue: 'retry-while-stopping', func: func2, retries: 3 })
    const { queues, logger } = await started([last, retrying])
    await queues.enqueue(last, { n: 1 })
    await queues.enqueue(retrying, { n: 2 })
    await sleep(5)
    const stopping = queues.stop()
    hold.open()
    await stopping
    expect((await queues.failedJobs()).map((job) => job.queue)).toEqual(['fails-while-stopping'])
    expect(logger.lines.at(-1)).toMatch(/dropped 1 job on stop/)
  })
})
