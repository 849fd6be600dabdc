// Queue workers on the in-memory queue: validation at enqueue, the wiring's checks, the
// context a job's function sees, checkInput, and the types of enqueue (checked by tsc: the lines
// marked @ts-expect-error fail the build if a wrong name or wrong data were accepted).
// Retries, the concurrency limit and a graceful stop: queue-running.test.ts.
import { describe, expect, expectTypeOf, it, vi } from 'vitest'

import {
  addQueueWorker,
  createQueues,
  MemoryQueueBackend,
  pikkuFunc,
  PikkuStartupError,
  pikkuSessionlessFunc,
  UnprocessableContentError,
  wireQueueWorker,
  type Queues,
} from '@pikku/native'

import { emailQueue, jobFunction, makeQueueApp, queueLifecycle, sendEmail, sentEmails } from './fixtures/queue-app.js'
import { expectNoUnhandledRejections, memoryLogger, sleep, started } from './helpers/queues.js'

expectNoUnhandledRejections()

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
    await expect(queues.enqueue(worker, { n: 1 }, { jobId: '42' })).rejects.toThrow(/`jobId` "42" is a whole number or has a ':'.*prefix it \(`order-42`\)/)
    await expect(queues.enqueue(worker, { n: 1 }, { jobId: 'a:b' })).rejects.toThrow(/`jobId` "a:b" is a whole number or has a ':'.*`order-a-b`/)
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
