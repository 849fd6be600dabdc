// Several real Node processes sharing one BullMQ backend on a Redis of the test's own: jobs
// enqueued here (a producer that does not consume) run exactly once across three worker
// processes, and a job whose worker is killed with SIGKILL mid-run runs again in another.
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
})
