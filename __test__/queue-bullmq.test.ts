// Queue workers on the BullMQ backend against real servers of the test's own, Redis and
// PostgreSQL (helpers/redis.ts, helpers/postgres.ts): jobs run through the app, invalid data
// never reaches the server, retries end in a failed-job record with the error's name, a
// failed job can be retried, job ids de-duplicate, and stop waits for running jobs. Each test
// has its own key prefix.
import { createPostgresBackend, Queue } from 'bullmq'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { addQueueWorker, ConflictError, createQueues, ServiceUnavailableError, UnprocessableContentError, type QueueWorker } from '@pikku/native'
import { BullMQBackend } from '@pikku/native/bullmq'

import { jobFunction, makeQueueApp } from './fixtures/queue-app.js'
import { startPostgres } from './helpers/postgres.js'
import { freePort } from './helpers/processes.js'
import { expectRetryOfFailed } from './helpers/queues.js'
import { startRedis } from './helpers/redis.js'

let prefixes = 0

describe.each(['Redis', 'PostgreSQL'] as const)('the BullMQ backend on %s', (kind) => {
  let server: { url: string; restart(downMs?: number): Promise<void>; stop(): Promise<void> }
  beforeAll(async () => {
    server = kind === 'Redis' ? await startRedis() : await startPostgres()
  }, 60_000)
  afterAll(() => server?.stop())

  /** The backend's connection for this server. */
  const connection = () => (kind === 'Redis' ? server.url : { postgres: server.url })

  /** Queues on a BullMQ backend with a prefix of their own; the log lines it wrote. */
  async function started(workers: readonly QueueWorker[]) {
    const lines: string[] = []
    const logger = { error: (message: string) => void lines.push(message) }
    const prefix = `test${++prefixes}_${process.pid}`
    const backend = new BullMQBackend({ connection: connection(), prefix, logger })
    const queues = createQueues({ workers, backend, logger })
    await queues.start(makeQueueApp())
    return { queues, prefix, lines }
  }

  /** How many jobs of `queue` the server holds in any state. */
  async function jobsIn(prefix: string, queue: string): Promise<number> {
    const reader =
      kind === 'Redis'
        ? new Queue(queue, { connection: { host: '127.0.0.1', port: Number(new URL(server.url).port) }, prefix })
        : new Queue(queue, { connection: { connectionString: server.url, schema: prefix } }, createPostgresBackend)
    const counts = await reader.getJobCounts()
    await reader.close()
    return Object.values(counts).reduce((sum, n) => sum + n, 0)
  }

  it('runs a job through the app once, with its context', async () => {
    const { func, calls } = jobFunction('bullOnce')
    const worker = addQueueWorker({ queue: 'bull-once', func })
    const { queues } = await started([worker])
    const id = await queues.enqueue(worker, { n: 1 })
    await queues.idle()
    expect(calls.map((call) => [call.n, call.queue])).toEqual([[1, { name: 'bull-once', jobId: id, attempt: 1, maxAttempts: 3 }]])
    await queues.stop()
  })

  it('refuses invalid data at enqueue with 422; nothing reaches Redis', async () => {
    const { func, calls } = jobFunction('bullInvalid')
    const worker = addQueueWorker({ queue: 'bull-invalid', func })
    const { queues, prefix } = await started([worker])
    await expect(queues.enqueue(worker, { n: 'seven' } as never)).rejects.toThrow(UnprocessableContentError)
    expect(await jobsIn(prefix, 'bull-invalid')).toBe(0)
    expect(calls).toEqual([])
    await queues.stop()
  })

  it('retries a failing job with backoff, then keeps a failed record with the error name', async () => {
    const { func, calls } = jobFunction('bullFlaky', (_data, call) => {
      throw new ConflictError(`busy on attempt ${call.queue?.attempt}`)
    })
    const worker = addQueueWorker({ queue: 'bull-flaky', func, retries: 2, backoff: { delayMs: 20 } })
    const { queues, lines } = await started([worker])
    const id = await queues.enqueue(worker, { n: 3 })
    await queues.idle()
    expect(calls.map((call) => call.queue?.attempt)).toEqual([1, 2, 3])
    const failed = await queues.failedJobs(worker)
    expect(failed).toEqual([
      { id, queue: 'bull-flaky', data: { n: 3 }, attempts: 3, error: { name: 'ConflictError', message: 'busy on attempt 3' }, failedAt: expect.any(Date) },
    ])
    expect(lines).toEqual([`pikku: job ${id} of queue \`bull-flaky\` failed after 3 attempts: ConflictError: busy on attempt 3`])
    await queues.stop()
  })

  it('runs a failed job again on retryFailed, with all its attempts', () => expectRetryOfFailed(started, `bull-retry-${kind}`))

  it('adds nothing for a job id that is still waiting', async () => {
    const { func, calls } = jobFunction('bullOnceById')
    const worker = addQueueWorker({ queue: 'bull-by-id', func })
    const { queues } = await started([worker])
    const first = await queues.enqueue(worker, { n: 1 }, { jobId: 'only-one', delayMs: 200 })
    const second = await queues.enqueue(worker, { n: 2 }, { jobId: 'only-one', delayMs: 200 })
    expect([first, second]).toEqual(['only-one', 'only-one'])
    await queues.idle()
    expect(calls.map((call) => call.n)).toEqual([1])
    await queues.stop()
  })

  it('stops taking jobs and waits for the running one', async () => {
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let finished = false
    const { func, calls } = jobFunction('bullSlow', async () => {
      await held
      finished = true
    })
    const worker = addQueueWorker({ queue: 'bull-slow', func })
    const { queues } = await started([worker])
    await queues.enqueue(worker, { n: 1 })
    while (calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 10))
    const stopping = queues.stop()
    setTimeout(release, 100)
    await stopping
    expect(finished).toBe(true)
  })

  it('leaves a job still running after the grace period, and another process runs it again', async () => {
    const { func, calls } = jobFunction('bullStuck', async () => {
      if (calls.length === 1) await new Promise(() => {}) // the first run never ends
    })
    const worker = addQueueWorker({ queue: 'bull-stuck', func })
    const prefix = `stuck_${process.pid}`
    const lines: string[] = []
    const logger = { error: (message: string) => void lines.push(message) }
    const first = createQueues({ workers: [worker], backend: new BullMQBackend({ connection: connection(), prefix, logger, lockMs: 1000 }), logger })
    await first.start(makeQueueApp())
    const id = await first.enqueue(worker, { n: 1 })
    while (calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 10))
    const began = performance.now()
    const stopping = first.stop({ graceMs: 300 })
    // A job enqueued during the grace period is not taken by the stopping worker.
    const producer = createQueues({ workers: [worker], backend: new BullMQBackend({ connection: connection(), prefix, logger }), logger, consume: false })
    await producer.start(makeQueueApp())
    const later = await producer.enqueue(worker, { n: 2 })
    await stopping
    expect(performance.now() - began).toBeLessThan(2000)
    expect(calls).toHaveLength(1)
    expect(lines).toContain(`pikku: 1 job of queue \`bull-stuck\` still running after the grace period of 300 ms; BullMQ runs it again in another process once the lock lapses`)
    // Another process (here, other queues on the same prefix) takes both: the stuck one once its lock lapses.
    const second = createQueues({ workers: [worker], backend: new BullMQBackend({ connection: connection(), prefix, logger, lockMs: 1000 }), logger })
    await second.start(makeQueueApp())
    await expect.poll(() => calls.length, { timeout: 10_000 }).toBe(3)
    expect(calls.slice(1).map((call) => call.queue?.jobId).sort()).toEqual([id, later].sort())
    await Promise.all([second.stop(), producer.stop()])
  }, 20_000)

  it('refuses enqueues with a 503 while the server is away at the first one, and takes them once it is back', async () => {
    const { func } = jobFunction('bullAway')
    const worker = addQueueWorker({ queue: 'bull-away', func })
    const prefix = `away_${process.pid}`
    const logger = { error: () => {} }
    const queues = createQueues({ workers: [worker], backend: new BullMQBackend({ connection: connection(), prefix, logger, connectTimeoutMs: 500 }), logger, consume: false })
    await queues.start(makeQueueApp()) // a producer: nothing connects before the first enqueue
    const restarted = server.restart(1500)
    await new Promise((resolve) => setTimeout(resolve, 300)) // the server is away now
    const began = performance.now()
    await expect(queues.enqueue(worker, { n: 1 })).rejects.toBeInstanceOf(ServiceUnavailableError)
    expect(performance.now() - began).toBeLessThan(1500)
    await restarted
    await expect.poll(() => queues.enqueue(worker, { n: 2 }).then(() => true, () => false), { timeout: 10_000, interval: 200 }).toBe(true)
    expect(await jobsIn(prefix, 'bull-away')).toBe(1) // the one taken; the refused one never got there
    await queues.stop()
  }, 30_000)
})

describe('the BullMQ backend without its server', () => {
  it('fails start-up in time, naming the server, rather than waiting for it', async () => {
    const port = await freePort()
    const { func } = jobFunction('bullNowhere')
    const worker = addQueueWorker({ queue: 'bull-nowhere', func })
    const logger = { error: () => {} }
    const backend = new BullMQBackend({ connection: `redis://127.0.0.1:${port}`, connectTimeoutMs: 500, logger })
    const queues = createQueues({ workers: [worker], backend, logger })
    const started = performance.now()
    await expect(queues.start(makeQueueApp())).rejects.toThrow(
      new RegExp(`PIKKU_ERR_QUEUE: the BullMQ backend could not reach redis://127\\.0\\.0\\.1:${port}/? within 500 ms for queue \`bull-nowhere\`: .*ECONNREFUSED`),
    )
    expect(performance.now() - started).toBeLessThan(3000)
    await queues.stop()
  })

  it('refuses an enqueue in time with a 503 naming the server, rather than holding it', async () => {
    const port = await freePort()
    const { func } = jobFunction('bullNowhereProducer')
    const worker = addQueueWorker({ queue: 'bull-nowhere-producer', func })
    const logger = { error: () => {} }
    const backend = new BullMQBackend({ connection: `redis://127.0.0.1:${port}`, connectTimeoutMs: 500, logger })
    const queues = createQueues({ workers: [worker], backend, logger, consume: false })
    await queues.start(makeQueueApp())
    const started = performance.now()
    const refusal = queues.enqueue(worker, { n: 1 })
    await expect(refusal).rejects.toBeInstanceOf(ServiceUnavailableError)
    await expect(refusal).rejects.toThrow(new RegExp(`could not reach redis://127\\.0\\.0\\.1:${port}/? within 500 ms for queue \`bull-nowhere-producer\`; the job was not enqueued`))
    expect(performance.now() - started).toBeLessThan(3000)
    await queues.stop()
  })
})
