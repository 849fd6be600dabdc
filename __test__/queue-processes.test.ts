// Several real Node processes sharing one BullMQ backend, on a Redis and on a PostgreSQL of
// the test's own: jobs enqueued here (a producer that does not consume) run exactly once across
// three worker processes; a job whose worker is killed with SIGKILL mid-run runs again in
// another; a worker stopped with SIGTERM under load finishes its running jobs and takes no new
// ones; the server restarted under load loses no accepted job, an enqueue while it is away
// fails at once with a 503, and the workers resume by themselves.
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { addQueueWorker, createQueues, pikkuSessionlessFunc, ServiceUnavailableError } from '@pikku/native'
import { BullMQBackend } from '@pikku/native/bullmq'

import { makeQueueApp } from './fixtures/queue-app.js'
import { startPostgres } from './helpers/postgres.js'
import { startRedis } from './helpers/redis.js'

const children: ChildProcess[] = []
afterAll(() => {
  for (const child of children) child.kill('SIGKILL')
})

describe.each(['Redis', 'PostgreSQL'] as const)('queues shared by several processes on %s', (kind) => {
  let server: { url: string; restart(downMs?: number): Promise<void>; stop(): Promise<void> }
  beforeAll(async () => {
    server = kind === 'Redis' ? await startRedis() : await startPostgres()
  }, 60_000)
  afterAll(() => server?.stop())

  /** The lines every worker process printed, as they come. */
  const lines: string[] = []
  const waiters: (() => void)[] = []

  /** A worker process on `prefix`; resolves once it consumes. */
  async function workerProcess(prefix: string, env: Record<string, string> = {}): Promise<ChildProcess> {
    const script = join(__dirname, 'fixtures', 'queue-process.mjs')
    const child = spawn(process.execPath, [script, server.url, prefix], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } })
    children.push(child)
    let ready!: () => void
    const isReady = new Promise<void>((resolve) => (ready = resolve))
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'ready') return ready()
      if (line === 'stopped') lines.push(`stopped ${child.pid}`)
      lines.push(line)
      for (const wake of waiters.splice(0)) wake()
    })
    await isReady
    return child
  }

  /** Waits until `test` holds for the lines printed so far (at most `ms`). */
  async function until(test: () => boolean, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms
    while (!test()) {
      if (Date.now() > deadline) throw new Error(`timed out; the workers printed:\n${lines.join('\n')}`)
      await new Promise<void>((resolve) => {
        waiters.push(resolve)
        setTimeout(resolve, 100)
      })
    }
  }

  /** A producer in this process: validates and enqueues, runs nothing. */
  async function producer(prefix: string) {
    const job = pikkuSessionlessFunc<{ n: number }, void>({
      name: 'mpJob',
      input: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'], additionalProperties: false },
      func: async () => {},
    })
    const worker = addQueueWorker({ queue: 'mp-jobs', func: job })
    const connection = server.url.startsWith('postgres') ? { postgres: server.url } : server.url
    const queues = createQueues({ workers: [worker], backend: new BullMQBackend({ connection, prefix }), consume: false })
    await queues.start(makeQueueApp())
    return { queues, worker }
  }

  /** The `ran <id> <pid>` lines so far, split. */
  const ran = () => lines.filter((line) => line.startsWith('ran ')).map((line) => line.split(' '))


    it('runs each job exactly once across three worker processes', async () => {
      const prefix = `mp1_${process.pid}`
      lines.length = 0
      await Promise.all([workerProcess(prefix), workerProcess(prefix), workerProcess(prefix)])
      const { queues, worker } = await producer(prefix)
      const ids = new Set<string>()
      for (let n = 0; n < 30; n++) ids.add(await queues.enqueue(worker, { n }))
      await until(() => ran().length >= 30)
      await new Promise((resolve) => setTimeout(resolve, 1500)) // long enough for a second run to show
      const runs = ran()
      expect(runs.length).toBe(30)
      expect(new Set(runs.map(([, id]) => id))).toEqual(ids)
      expect(new Set(runs.map(([, , pid]) => pid)).size).toBeGreaterThan(1) // the work was shared
      await queues.stop()
    }, 60_000)

    it('runs a job again in another process when its worker is killed mid-run', async () => {
      const prefix = `mp2_${process.pid}`
      lines.length = 0
      const doomed = await workerProcess(prefix, { HOLD: '1' })
      const { queues, worker } = await producer(prefix)
      const id = await queues.enqueue(worker, { n: 1 })
      await until(() => lines.includes(`started ${id} ${doomed.pid}`))
      const survivor = await workerProcess(prefix)
      doomed.kill('SIGKILL')
      await until(() => lines.includes(`ran ${id} ${survivor.pid}`))
      await queues.stop()
    }, 60_000)

    it('finishes the running jobs of a worker stopped with SIGTERM, which takes no new ones', async () => {
      const prefix = `mp3_${process.pid}`
      lines.length = 0
      const stopping = await workerProcess(prefix, { JOB_MS: '300' })
      const { queues, worker } = await producer(prefix)
      const ids: string[] = []
      for (let n = 0; n < 6; n++) ids.push(await queues.enqueue(worker, { n }))
      await until(() => lines.filter((line) => line.startsWith('started ')).length === 2) // its concurrency
      stopping.kill('SIGTERM')
      await until(() => lines.includes(`stopped ${stopping.pid}`))
      const started = lines.filter((line) => line.startsWith('started ')).map((line) => line.split(' ')[1])
      const finished = ran().map(([, id]) => id)
      expect(finished.sort()).toEqual(started.sort()) // what it started, it finished
      expect(started.length).toBeLessThan(6) // and it stopped taking jobs
      await workerProcess(prefix) // the rest run elsewhere: none lost
      await until(() => new Set(ran().map(([, id]) => id)).size === 6)
      await queues.stop()
    }, 60_000)

    it(`loses no accepted job when ${kind} restarts under load, refuses enqueues at once while it is away, and resumes by itself`, async () => {
      const prefix = `mp4_${process.pid}`
      lines.length = 0
      await Promise.all([workerProcess(prefix, { JOB_MS: '50' }), workerProcess(prefix, { JOB_MS: '50' })])
      const { queues, worker } = await producer(prefix)
      const accepted = new Set<string>()
      const refused: { ms: number; error: unknown }[] = []
      let enqueuing = true
      const load = (async () => {
        for (let n = 0; enqueuing; n++) {
          const began = performance.now()
          try {
            accepted.add(await queues.enqueue(worker, { n }))
          } catch (error) {
            refused.push({ ms: performance.now() - began, error })
          }
          await new Promise((resolve) => setTimeout(resolve, 10))
        }
      })()
      await until(() => ran().length >= 10)
      // Redis's append-only file, or PostgreSQL's tables, keep what was accepted.
      const restarted = server.restart(1000)
      await new Promise((resolve) => setTimeout(resolve, 400)) // the server is away now
      // (The loop's add in flight at the stop may wait for the server's return: ioredis sends
      // it again then. A fresh enqueue now is refused at once.)
      const probe = performance.now()
      await expect(queues.enqueue(worker, { n: -1 })).rejects.toBeInstanceOf(ServiceUnavailableError)
      refused.push({ ms: performance.now() - probe, error: new ServiceUnavailableError('probe') })
      await restarted
      const acceptedBefore = accepted.size
      await until(() => accepted.size >= acceptedBefore + 20, 20_000) // taking jobs again
      enqueuing = false
      await load
      const ranIds = () => new Set(ran().map(([, id]) => id!))
      await until(() => [...accepted].every((id) => ranIds().has(id)), 40_000)
      expect([...ranIds()].filter((id) => !accepted.has(id))).toEqual([]) // nothing refused ran
      expect(refused.length).toBeGreaterThan(0)
      for (const { ms, error } of refused) {
        expect(error).toBeInstanceOf(ServiceUnavailableError)
        expect(ms).toBeLessThan(1000)
      }
      await queues.stop()
    }, 90_000)
})
