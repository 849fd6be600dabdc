// Queue workers on the in-memory queue: validation at enqueue, retries with backoff and the
// failed-job record, the concurrency limit, the context a job's function sees, a graceful
// stop, and the types of enqueue (checked by tsc: the @ts-expect-error lines fail the build
// if a wrong name or wrong data were accepted).
import { afterAll, beforeAll, describe, expect, expectTypeOf, it, vi } from 'vitest'

import {
  addQueueWorker,
  backoffDelay,
  ConflictError,
  createQueues,
  MemoryQueueBackend,
  pikkuFunc,
  PikkuStartupError,
  pikkuSessionlessFunc,
  UnprocessableContentError,
  wireQueueWorker,
  type FailedJob,
  type QueueWorker,
  type Queues,
} from '@pikku/native'

import { emailQueue, jobFunction, makeQueueApp, queueLifecycle, sendEmail, sentEmails } from './fixtures/queue-app.js'

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

/** A logger that keeps what it is given. */
function memoryLogger() {
  const lines: string[] = []
  return { lines, error: (message: string) => void lines.push(message) }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A promise with its resolver, to hold a job until the test lets it go. */
function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { opened, open }
}

async function started(workers: readonly QueueWorker[], options: { backend?: MemoryQueueBackend } = {}) {
  const logger = memoryLogger()
  const backend = options.backend ?? new MemoryQueueBackend({ logger })
  const queues = createQueues({ workers, backend, logger })
  await queues.start(makeQueueApp())
  return { queues, backend, logger }
}

describe('enqueue', () => {
  it('checks the data against the function input schema in the engine: invalid data is a 422 naming the path, and nothing is enqueued', async () => {
    const { queues, backend } = await started([emailQueue])
    const add = vi.spyOn(backend, 'enqueue')
    const error = await queues.enqueue(emailQueue, { to: 42, subject: 'hi' } as never).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnprocessableContentError)
    const { message, payload } = error as UnprocessableContentError
    expect(message).toMatch(/sendEmail/)
    expect(payload).toEqual({ errors: [{ path: '/to', message: expect.stringContaining('string') }] })
    await expect(queues.enqueue('send-email', { to: 'ann@example.com', subject: 'hi', extra: true } as never)).rejects.toMatchObject({
      name: 'UnprocessableContentError',
      payload: { errors: [{ path: '/', message: expect.stringContaining('extra') }] },
    })
    await expect(queues.enqueue(emailQueue, { to: 'x', subject: 'hi' })).rejects.toMatchObject({
      payload: { errors: [{ path: '/to' }] },
    })
    expect(add).not.toHaveBeenCalled()
    await queues.idle()
    expect(sentEmails).toEqual([])

    const before = sentEmails.length
    const id = await queues.enqueue('send-email', { to: 'ann@example.com', subject: 'hi', cc: ['bo@example.com'] })
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect(add).toHaveBeenCalledTimes(1)
    await queues.idle()
    expect(sentEmails.slice(before)).toEqual([{ to: 'ann@example.com', subject: 'hi', cc: ['bo@example.com'] }])
    await queues.stop()
  })

  it('stores a JSON copy of the data: changing the object after enqueue changes nothing', async () => {
    const { func, calls } = jobFunction('copy')
    const worker = addQueueWorker({ queue: 'copy', func })
    const { queues } = await started([worker])
    const data = { n: 1 }
    await queues.enqueue(worker, data)
    data.n = 2
    await queues.idle()
    expect(calls.map((c) => c.n)).toEqual([1])
    await queues.stop()
  })

  it('refuses an unknown queue, bad options, and enqueue before start or after stop, saying what to do', async () => {
    const { func } = jobFunction('known')
    const worker = addQueueWorker({ queue: 'known', func })
    const queues = createQueues({ workers: [worker] })
    await expect(queues.enqueue(worker, { n: 1 })).rejects.toThrow(/PIKKU_ERR_QUEUE: the queues are not started; call `await queues.start\(app\)`/)
    await queues.start(makeQueueApp())
    await expect(queues.enqueue('nope' as never, { n: 1 } as never)).rejects.toThrow(
      /PIKKU_ERR_QUEUE: no worker is wired to queue `nope` \(known: `known`\); wire one with addQueueWorker/,
    )
    await expect(queues.enqueue(emailQueue, { to: 'ann@example.com', subject: 'hi' })).rejects.toThrow(/no worker is wired to queue `send-email`/)
    await expect(queues.enqueue(worker, { n: 1 }, { delayMs: -1 })).rejects.toThrow(/`delayMs` must be a number of milliseconds/)
    await expect(queues.enqueue(worker, { n: 1 }, { jobId: '' })).rejects.toThrow(/`jobId` must be a non-empty string/)
    await expect(queues.start(makeQueueApp())).rejects.toThrow(/already started/)
    await queues.stop()
    await expect(queues.enqueue(worker, { n: 1 })).rejects.toThrow(/PIKKU_ERR_QUEUE: the queues are stopped/)
    await expect(queues.start(makeQueueApp())).rejects.toThrow(/stopped and cannot start again; make new ones with createQueues\(\)/)
  })

  it('validates with the schema the code generator wrote for the function', async () => {
    const sendWelcome = pikkuSessionlessFunc<{ userId: string }, void>({ name: 'sendWelcome', func: async () => {} })
    const worker = addQueueWorker({ queue: 'welcome', func: sendWelcome })
    const queues = createQueues({ workers: [worker] })
    await queues.start(
      makeQueueApp({
        metadata: {
          version: 1,
          functions: { sendWelcome: { inputSchema: 'SendWelcomeInput', sessionless: true } },
          http: [],
          schemas: {
            SendWelcomeInput: { type: 'object', properties: { userId: { type: 'string' } }, required: ['userId'], additionalProperties: false },
          },
        },
      }),
    )
    await expect(queues.enqueue(worker, { userId: 7 } as never)).rejects.toMatchObject({ name: 'UnprocessableContentError', payload: { errors: [{ path: '/userId' }] } })
    await expect(queues.enqueue(worker, { userId: 'u1' })).resolves.toEqual(expect.any(String))
    await queues.stop()
  })

  it('adds a job once per jobId while it is waiting or running, and runs a delayed job later', async () => {
    const { func, calls } = jobFunction('dedupe')
    const worker = addQueueWorker({ queue: 'dedupe', func })
    const { queues } = await started([worker])
    const t0 = performance.now()
    expect(await queues.enqueue(worker, { n: 1 }, { jobId: 'job-1', delayMs: 30 })).toBe('job-1')
    expect(await queues.enqueue(worker, { n: 2 }, { jobId: 'job-1' })).toBe('job-1')
    await queues.idle()
    expect(calls.map((c) => c.n)).toEqual([1])
    expect(calls[0]!.at - t0).toBeGreaterThanOrEqual(25)
    expect(calls[0]!.queue?.jobId).toBe('job-1')
    // Done: the id may be used again.
    await queues.enqueue(worker, { n: 3 }, { jobId: 'job-1' })
    await queues.idle()
    expect(calls.map((c) => c.n)).toEqual([1, 3])
    await queues.stop()
  })
})

describe('retries', () => {
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

describe('the function of a job', () => {
  it('runs through the app: its services, no session, and context.queue with the job id and attempt', async () => {
    const { func, calls } = jobFunction('context')
    const worker = addQueueWorker({ queue: 'context', func, retries: 4 })
    const { queues } = await started([worker])
    const before = { ...queueLifecycle }
    const id = await queues.enqueue(worker, { n: 1 })
    await queues.idle()
    expect(calls).toEqual([{ n: 1, queue: { name: 'context', jobId: id, attempt: 1, maxAttempts: 5 }, session: undefined, todos: 1, at: expect.any(Number) }])
    expect(queueLifecycle.created - before.created).toBe(1)
    expect(queueLifecycle.closed - before.closed).toBe(1)
    await queues.stop()
  })

  it('can enqueue another job through a service', async () => {
    const { func: second, calls } = jobFunction('second')
    const secondQueue = addQueueWorker({ queue: 'second', func: second })
    let queues!: Queues
    const first = pikkuSessionlessFunc<{ n: number }, void>({
      input: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
      func: async (_services, { n }) => {
        await queues.enqueue(secondQueue, { n: n + 1 })
      },
    })
    const firstQueue = addQueueWorker({ queue: 'first', func: first })
    queues = createQueues({ workers: [firstQueue, secondQueue] })
    await queues.start(makeQueueApp())
    await queues.enqueue(firstQueue, { n: 1 })
    await queues.idle()
    expect(calls.map((c) => c.n)).toEqual([2])
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

describe('wiring', () => {
  it('has one implementation under two names', () => {
    expect(wireQueueWorker).toBe(addQueueWorker)
  })

  it('refuses bad settings at once, saying which', () => {
    const { func } = jobFunction('bad')
    expect(() => addQueueWorker({ queue: 'bad', func, concurrency: 0, retries: -1, backoff: { delayMs: Number.NaN } })).toThrow(
      /`concurrency` must be a whole number, 1 or more; got 0\n.*`retries` must be a whole number, 0 or more; got -1\n.*`backoff.delayMs` must be a number of milliseconds/,
    )
  })

  it('refuses at start two workers on one queue, a function that needs a session, and one without an input schema', async () => {
    const a = jobFunction('a').func
    const b = jobFunction('b').func
    const needsSession = pikkuFunc<{ n: number }, void>({ name: 'needsSession', input: {}, func: async () => {} })
    const unnamed = pikkuSessionlessFunc<{ n: number }, void>(async () => {})
    const queues = createQueues({
      workers: [
        addQueueWorker({ queue: 'twice', func: a }),
        addQueueWorker({ queue: 'twice', func: b }),
        // @ts-expect-error jobs carry no session: a pikkuFunc cannot be a queue worker
        addQueueWorker({ queue: 'session', func: needsSession }),
        addQueueWorker({ queue: 'unvalidated', func: unnamed }),
        addQueueWorker({ queue: 'not-generated', func: pikkuSessionlessFunc<{ n: number }, void>({ name: 'notGenerated', func: async () => {} }) }),
      ],
    })
    const error = (await queues.start(makeQueueApp()).catch((e: unknown) => e)) as PikkuStartupError
    expect(error).toBeInstanceOf(PikkuStartupError)
    expect(error.code).toBe('PIKKU_ERR_QUEUE_CONFLICT')
    expect(error.problems.map((p) => [p.code, p.subject])).toEqual([
      ['PIKKU_ERR_QUEUE_CONFLICT', 'queue `twice`'],
      ['PIKKU_ERR_AUTH', 'queue `session`'],
      ['PIKKU_ERR_SCHEMA_MISSING', 'queue `unvalidated` (function `anonymous function`)'],
      ['PIKKU_ERR_SCHEMA_MISSING', 'queue `not-generated` (function `notGenerated`)'],
    ])
    expect(error.message).toContain('PIKKU_ERR_QUEUE_CONFLICT: queue `twice`: it has two workers (function `a` and `b`)\n    = help: give each function its own queue')
    // Without metadata, the fix is to make it and pass it.
    expect(error.problems[2]!.fix).toMatch(/run `npx pikku`.*createApp\(\{ metadata: '\.pikku\/pikku-meta\.gen\.json' \}\)/)
    expect(error.problems[3]!.message).toMatch(/its input has no schema, so it would run unvalidated: the app has no metadata/)
    await queues.stop()
  })

  it('refuses consume: false on the in-memory default, where no process could run the jobs', async () => {
    const queues = createQueues({ workers: [emailQueue], consume: false })
    await expect(queues.start(makeQueueApp())).rejects.toThrow(/`consume: false`: with the default in-memory backend/)
  })

  it('enqueues without running jobs with consume: false (a producer process)', async () => {
    const logger = memoryLogger()
    const backend = new MemoryQueueBackend({ logger })
    const producer = createQueues({ workers: [emailQueue], backend, consume: false })
    await producer.start(makeQueueApp())
    const add = vi.spyOn(backend, 'enqueue')
    const before = sentEmails.length
    await producer.enqueue(emailQueue, { to: 'ann@example.com', subject: 'later' })
    await sleep(10)
    expect(add).toHaveBeenCalledWith('send-email', { to: 'ann@example.com', subject: 'later' }, { attempts: 3, backoff: { type: 'exponential', delayMs: 1000 } })
    expect(sentEmails.length).toBe(before)
    await producer.stop()
    expect(logger.lines).toEqual([expect.stringMatching(/dropped 1 job on stop/)])
  })
})

describe('PikkuApp.checkInput', () => {
  it('checks an input in the engine without running the function', () => {
    const app = makeQueueApp()
    const before = sentEmails.length
    expect(app.checkInput(sendEmail, { to: 'ann@example.com', subject: 'hi' }, { auth: false })).toEqual({ to: 'ann@example.com', subject: 'hi' })
    expect(() => app.checkInput(sendEmail, { to: 'ann@example.com' } as never, { auth: false })).toThrow(UnprocessableContentError)
    expect(sentEmails.length).toBe(before)
  })
})

describe('types', () => {
  it('types enqueue by the worker handle and by the declared queue name', () => {
    const { func } = jobFunction('typed')
    const typed = addQueueWorker({ queue: 'typed', func })
    expectTypeOf(typed.queue).toEqualTypeOf<'typed'>()
    expectTypeOf(emailQueue.queue).toEqualTypeOf<'send-email'>()

    const queues = createQueues({ workers: [] })
    const enqueue = (fn: () => Promise<string>) => fn
    enqueue(() => queues.enqueue(typed, { n: 1 }))
    enqueue(() => queues.enqueue(emailQueue, { to: 'a@b.c', subject: 's' }))
    enqueue(() => queues.enqueue('send-email', { to: 'a@b.c', subject: 's', cc: ['d@e.f'] }))
    // @ts-expect-error wrong data type for the handle's function
    enqueue(() => queues.enqueue(typed, { n: 'one' }))
    // @ts-expect-error missing key
    enqueue(() => queues.enqueue(emailQueue, { to: 'a@b.c' }))
    // @ts-expect-error unknown key
    enqueue(() => queues.enqueue(emailQueue, { to: 'a@b.c', subject: 's', bcc: 'x' }))
    // @ts-expect-error queue name not declared in PikkuQueueMap
    enqueue(() => queues.enqueue('send-mail', { to: 'a@b.c', subject: 's' }))
    // @ts-expect-error wrong data for the declared name
    enqueue(() => queues.enqueue('send-email', { to: 1, subject: 's' }))
    // @ts-expect-error a worker handle's data belongs to its own function
    enqueue(() => queues.enqueue(typed, { to: 'a@b.c', subject: 's' }))
  })

  it('refuses a function with another input on a queue declared in PikkuQueueMap', () => {
    const wire = (fn: () => void) => fn
    wire(() => addQueueWorker({ queue: 'send-email', func: sendEmail }))
    const other = jobFunction('other').func
    // @ts-expect-error `send-email` is declared with sendEmail's input
    wire(() => addQueueWorker({ queue: 'send-email', func: other }))
    // @ts-expect-error concurrency is a number
    wire(() => addQueueWorker({ queue: 'x', func: other, concurrency: '2' }))
  })
})
