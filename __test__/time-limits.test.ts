// Time limits outside HTTP: a channel message past the app's `timeoutMs` gets a
// GatewayTimeoutError reply and the connection's next message runs; `app.call`, scheduled
// tasks and queue jobs take a `timeoutMs` of their own. Past a limit the function's `signal`
// service aborts. Real channel connections on 127.0.0.1, the real scheduler and queue.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

import { afterAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'

import {
  addQueueWorker,
  attachChannels,
  createApp,
  createQueues,
  createScheduler,
  GatewayTimeoutError,
  MemoryQueueBackend,
  pikkuSessionlessFunc,
  type ChannelWiring,
} from '@pikku/native'
import { listen } from '@pikku/native/standalone'

/** What the last run of `hang` saw of its signal, once it aborted. */
const aborts: string[] = []
const hang = pikkuSessionlessFunc<Record<string, never>, void>({
  name: 'limitHang',
  input: { type: 'object' },
  func: ({ signal }) =>
    new Promise(() => {
      signal.addEventListener('abort', () => aborts.push(String((signal.reason as Error).name)))
    }),
})
const quick = pikkuSessionlessFunc<Record<string, never>, { quick: boolean }>({ name: 'limitQuick', input: { type: 'object' }, func: async () => ({ quick: true }) })
const channels: ChannelWiring[] = [{ name: 'limits', route: '/ws/limits', auth: false, onMessageWiring: { action: { hang, quick } } }]

const closers: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const close of closers) await close()
})

async function channelUrl(kind: 'node-http' | 'standalone'): Promise<string> {
  const app = createApp({ routes: [], channels, timeoutMs: 200 })
  if (kind === 'standalone') {
    const server = listen(app, { threads: 1 })
    closers.push(() => server.close({ graceMs: 0 }))
    return `${server.url.replace('http:', 'ws:')}/ws/limits`
  }
  const server = createServer()
  const served = attachChannels(app, server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(async () => {
    await served.close({ graceMs: 0 })
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws/limits`
}

describe.each(['node-http', 'standalone'] as const)('a channel message past the app limit, on %s', (kind) => {
  it('gets a GatewayTimeoutError reply, and the next message on the connection runs', async () => {
    const ws = new WebSocket(await channelUrl(kind))
    const replies: Record<string, any>[] = []
    const two = new Promise<void>((resolve) =>
      ws.on('message', (data) => {
        replies.push(JSON.parse(String(data)))
        if (replies.length === 2) resolve()
      }),
    )
    await new Promise((resolve) => ws.on('open', resolve))
    ws.send(JSON.stringify({ action: 'hang' }))
    ws.send(JSON.stringify({ action: 'quick' }))
    await two
    expect(replies[0]).toMatchObject({ seq: 1, action: 'hang', error: { name: 'GatewayTimeoutError', message: 'limitHang did not finish within its limit of 200 ms' } })
    expect(replies[1]).toEqual({ seq: 2, action: 'quick', data: { quick: true } })
    ws.close()
  })
})

describe('time limits of calls, tasks and jobs', () => {
  it('app.call rejects past its timeoutMs and aborts the signal; a bad limit is refused', async () => {
    const app = createApp({ routes: [] })
    aborts.length = 0
    await expect(app.call(hang, {}, { auth: false, timeoutMs: 100 })).rejects.toThrow(GatewayTimeoutError)
    expect(aborts).toEqual(['TimeoutError'])
    await expect(app.call(quick, {}, { auth: false, timeoutMs: 100 })).resolves.toEqual({ quick: true })
    await expect(app.call(quick, {}, { auth: false, timeoutMs: -5 })).rejects.toThrow(/PIKKU_ERR_CONFIG: `timeoutMs` of app.call: it must be a whole number of milliseconds/)
  })

  it('a scheduled run past its timeoutMs fails with GatewayTimeoutError; a bad limit fails at start-up', async () => {
    const app = createApp({ routes: [] })
    const logged: unknown[] = []
    const logger = { error: (...args: unknown[]) => void logged.push(args) }
    const scheduler = createScheduler(app, { tasks: [{ name: 'stuck', schedule: '0 3 * * *', func: hang, timeoutMs: 100 }], logger })
    const run = await scheduler.runNow('stuck')
    expect(run.status).toBe('failed')
    expect((run as { error: unknown }).error).toBeInstanceOf(GatewayTimeoutError)
    expect(scheduler.list()[0]!.running).toBe(0) // the next tick may start a run
    expect(() => createScheduler(app, { tasks: [{ name: 'bad', schedule: '0 3 * * *', func: quick, timeoutMs: 1.5 }] })).toThrow(
      /`timeoutMs` of scheduled task `bad`: it must be a whole number of milliseconds/,
    )
    await scheduler.stop()
  })

  it('a job attempt past its timeoutMs fails like any failure: retried, then recorded', async () => {
    const app = createApp({ routes: [] })
    const worker = addQueueWorker({ queue: 'limit-stuck', func: hang, retries: 1, backoff: { delayMs: 10 }, timeoutMs: 100 })
    const logger = { error: () => {} }
    const queues = createQueues({ workers: [worker], backend: new MemoryQueueBackend({ logger }), logger })
    await queues.start(app)
    await queues.enqueue(worker, {})
    await queues.idle()
    const [failed] = await queues.failedJobs(worker)
    expect(failed).toMatchObject({ attempts: 2, error: { name: 'GatewayTimeoutError', message: 'limitHang did not finish within its limit of 100 ms' } })
    await queues.stop()
    expect(() => addQueueWorker({ queue: 'limit-bad', func: quick, timeoutMs: -1 })).toThrow(/`timeoutMs` must be a whole number of milliseconds from 0/)
  })
})
