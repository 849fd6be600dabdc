// Several real Node processes sharing one BullMQ backend on a Redis of the test's own: jobs
// enqueued here (a producer that does not consume) run exactly once across three worker
// processes; a job whose worker is killed with SIGKILL mid-run runs again in another; a worker
// stopped with SIGTERM under load finishes its running jobs and takes no new ones; Redis
// restarted under load loses no job, and the workers resume by themselves.
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { addQueueWorker, createQueues, pikkuSessionlessFunc } from '@pikku/native'
import { BullMQBackend } from '@pikku/native/bullmq'

import { makeQueueApp } from './fixtures/queue-app.js'
import { startRedis, type RedisServer } from './helpers/redis.js'

let redis: RedisServer
const children: ChildProcess[] = []
beforeAll(async () => {
  redis = await startRedis()
}, 30_000)
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL')
  await redis?.stop()
})

/** The lines every worker process printed, as they come. */
const lines: string[] = []
const waiters: (() => void)[] = []

/** A worker process on `prefix`; resolves once it consumes. */
async function workerProcess(prefix: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const script = join(__dirname, 'fixtures', 'queue-process.mjs')
  const child = spawn(process.execPath, [script, redis.url, prefix], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } })
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
  const queues = createQueues({ workers: [worker], backend: new BullMQBackend({ connection: redis.url, prefix }), consume: false })
  await queues.start(makeQueueApp())
  return { queues, worker }
}

/** The `ran <id> <pid>` lines so far, split. */
const ran = () => lines.filter((line) => line.startsWith('ran ')).map((line) => line.split(' '))

describe('queues shared by several processes on Redis', () => {
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

  it('loses no job when Redis restarts under load, and the workers resume by themselves', async () => {
    const prefix = `mp4_${process.pid}`
    lines.length = 0
    await Promise.all([workerProcess(prefix, { JOB_MS: '50' }), workerProcess(prefix, { JOB_MS: '50' })])
    const { queues, worker } = await producer(prefix)
    const ids = new Set<string>()
    for (let n = 0; n < 20; n++) ids.add(await queues.enqueue(worker, { n }))
    await until(() => ran().length >= 3)
    await redis.restart() // the append-only file keeps what was enqueued
    for (let n = 20; n < 40; n++) ids.add(await queues.enqueue(worker, { n }))
    await until(() => ids.size === 40 && [...ids].every((id) => ran().some(([, ranId]) => ranId === id)), 40_000)
    await queues.stop()
  }, 90_000)
})
