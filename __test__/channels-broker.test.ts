// Channel broadcasts across processes, over Redis pub/sub (RedisChannelBroker) and over
// PostgreSQL LISTEN/NOTIFY (PostgresChannelBroker), each against a server of the test's own.
// Two app instances, one behind node:http and one standalone, each with its own broker: a
// publish on one reaches the topic's subscribers on both, once each, never its sender, and a
// broadcast larger than a PostgreSQL notification arrives whole. Then two instances as
// processes of their own, with the server restarted under them: they say so, reconnect by
// themselves, and broadcasts flow again.
import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join as joinPath } from 'node:path'
import { createInterface } from 'node:readline'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { attachChannels, createApp, pikkuSessionlessFunc, type ChannelBroker, type ChannelWiring } from '@pikku/native'
import { PostgresChannelBroker } from '@pikku/native/postgres'
import { RedisChannelBroker } from '@pikku/native/redis'
import { listen } from '@pikku/native/standalone'

import { joinPieces, splitIntoPieces } from '../dist/channel/notify-pieces.js'
import { Client } from './helpers/channels.js'
import { startPostgres } from './helpers/postgres.js'
import { startRedis } from './helpers/redis.js'

const room = { type: 'string', minLength: 1 }
const join = pikkuSessionlessFunc<{ room: string }, void>({
  name: 'brokerJoin',
  input: { type: 'object', properties: { room }, required: ['room'], additionalProperties: false },
  func: async ({ channel }, { room }) => channel!.subscribe(room),
})
const shout = pikkuSessionlessFunc<{ room: string; text: string }, void>({
  name: 'brokerShout',
  input: { type: 'object', properties: { room, text: { type: 'string' } }, required: ['room', 'text'], additionalProperties: false },
  func: async ({ channel }, { room, text }) => channel!.publish(room, { room, text }),
})
const channels: ChannelWiring[] = [{ name: 'rooms', route: '/ws/rooms', auth: false, onMessageWiring: { action: { join, shout } } }]

const children: ChildProcess[] = []
afterAll(() => {
  for (const child of children) child.kill('SIGKILL')
})

/** The texts of the broadcasts a client received, in order. */
const texts = (client: Client) => client.received.flatMap((message) => ((message as { text?: string }).text ? [(message as { text: string }).text] : []))

describe.each(['Redis', 'PostgreSQL'] as const)('channel broadcasts over %s', (kind) => {
  let server: { url: string; restart(): Promise<void>; stop(): Promise<void> }
  const closers: (() => Promise<unknown>)[] = []
  beforeAll(async () => {
    server = kind === 'Redis' ? await startRedis() : await startPostgres()
  }, 60_000)
  afterAll(async () => {
    for (const close of closers.reverse()) await close()
    await server?.stop()
  })

  const broker = (): ChannelBroker =>
    kind === 'Redis' ? new RedisChannelBroker({ url: server.url, redisChannel: 'test:rooms' }) : new PostgresChannelBroker({ url: server.url, pgChannel: 'test_rooms' })

  /** One instance of the app behind `host`, with a broker of its own; its WebSocket URL. */
  async function instance(host: 'node-http' | 'standalone'): Promise<string> {
    const own = broker()
    const app = createApp({ routes: [], channels })
    if (host === 'standalone') {
      const served = listen(app, { threads: 1, channels: { broker: own } })
      closers.push(() => own.close(), () => served.close({ graceMs: 0 }))
      return `${served.url.replace('http:', 'ws:')}/ws/rooms`
    }
    const http = createServer()
    const served = attachChannels(app, http, { broker: own })
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve))
    closers.push(
      () => own.close(),
      async () => {
        await served.close({ graceMs: 0 })
        await new Promise((resolve) => http.close(resolve))
      },
    )
    return `ws://127.0.0.1:${(http.address() as AddressInfo).port}/ws/rooms`
  }

  it('reach the subscribers on every instance once, never the sender, and arrive whole when large', async () => {
    const [first, second] = await Promise.all([instance('node-http'), instance('standalone')])
    const far = await Client.open(first)
    const near = await Client.open(second)
    const sender = await Client.open(second)
    for (const client of [far, near, sender]) await client.ask({ action: 'join', room: 'lobby' })
    const start = { far: far.received.length, near: near.received.length, sender: sender.received.length }
    // The listener of a broker subscribes as it starts: the first shout shows it has.
    const first_ = await shoutUntilHeard(sender, far, 'hello')
    const large = `${'é'.repeat(9000)}🙂${'x'.repeat(20_000)}` // over four PostgreSQL notifications
    await sender.ask({ action: 'shout', room: 'lobby', text: large })
    await expect.poll(() => texts(far).length, { timeout: 5000 }).toBe(first_.length + 1)
    await new Promise((resolve) => setTimeout(resolve, 200)) // time for a duplicate to show
    expect(texts(far).slice(-1)).toEqual([large])
    expect(texts(near)).toEqual([...first_, large])
    expect(new Set(texts(far)).size).toBe(texts(far).length)
    expect(sender.received.slice(start.sender).every((message) => (message as { action?: string }).action === 'shout')).toBe(true) // replies only
    for (const client of [far, near, sender]) client.ws.close()
  })

  /** An instance as a process of its own (fixtures/broker-process.mjs): its URL and its broker's log. */
  async function instanceProcess(): Promise<{ url: string; log: string[] }> {
    const script = joinPath(__dirname, 'fixtures', 'broker-process.mjs')
    const child = spawn(process.execPath, [script, server.url, 'test_rooms_processes'], { stdio: ['ignore', 'pipe', 'inherit'] })
    children.push(child)
    const log: string[] = []
    const url = await new Promise<string>((resolve) =>
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line.startsWith('ready ')) resolve(line.slice('ready '.length))
        else if (line.startsWith('log ')) log.push(line.slice('log '.length))
      }),
    )
    return { url, log }
  }

  it('reach a socket on another process, and again after the server restarts', async () => {
    const [first, second] = await Promise.all([instanceProcess(), instanceProcess()])
    const sender = await Client.open(first.url)
    const near = await Client.open(first.url)
    const far = await Client.open(second.url)
    for (const client of [near, far]) await client.ask({ action: 'join', room: 'lobby' })

    const before = await shoutUntilHeard(sender, far, 'before')
    await server.restart()
    const listener = kind === 'Redis' ? 'subscriber' : 'listener'
    const reconnected = (log: string[]) => log.some((line) => line.includes(`the channel broker's ${listener} is connected to ${kind} again`))
    await expect.poll(() => reconnected(first.log) && reconnected(second.log), { timeout: 15_000 }).toBe(true)
    for (const { log } of [first, second]) expect(log.some((line) => line.includes(`the channel broker's ${listener} lost ${kind}`))).toBe(true)
    const after = await shoutUntilHeard(sender, far, 'after')

    await new Promise((resolve) => setTimeout(resolve, 300)) // time for a duplicate to show
    // The near socket has every shout once (its own process); the far one each it heard once,
    // the last of each series among them.
    expect(texts(near)).toEqual([...before, ...after])
    expect(new Set(texts(far)).size).toBe(texts(far).length)
    expect(texts(far)).toContain(before.at(-1))
    expect(texts(far)).toContain(after.at(-1))
    for (const client of [sender, near, far]) client.ws.close()
  }, 60_000)
})

/** Shouts `text-1`, `text-2`, … from `sender` until `listener` has heard one; the texts sent. */
async function shoutUntilHeard(sender: Client, listener: Client, text: string): Promise<string[]> {
  const start = listener.received.length
  const sent: string[] = []
  for (let i = 1; listener.received.length === start; i++) {
    if (i > 100) throw new Error(`no broadcast of ${text} arrived`)
    sent.push(`${text}-${i}`)
    await sender.ask({ action: 'shout', room: 'lobby', text: `${text}-${i}` })
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return sent
}

describe('broadcasts cut into PostgreSQL notifications', () => {
  it('fit each piece in a notification and put them back together, pairs of a surrogate unsplit', () => {
    const origin = '0f6e2b8a-1c3d-4e5f-8a9b-0c1d2e3f4a5b'
    for (const text of ['', 'short', 'é'.repeat(5000), `${'x'.repeat(7799)}🙂🙂`, '🙂'.repeat(9000)]) {
      const pieces = splitIntoPieces(`${origin}:7`, text)
      for (const piece of pieces) expect(Buffer.byteLength(piece)).toBeLessThan(8000)
      const partial = new Map<string, string[]>()
      const joined = pieces.map((piece) => joinPieces(partial, piece))
      expect(joined.slice(0, -1).every((whole) => whole === undefined)).toBe(true)
      expect(joined.at(-1)).toEqual({ origin, text })
      expect(partial.size).toBe(0)
      expect(pieces.every((piece) => !/[\uD800-\uDBFF]$/.test(piece))).toBe(true)
    }
  })

  it('drop pieces out of order or claiming too many, without holding them', () => {
    const origin = '0f6e2b8a-1c3d-4e5f-8a9b-0c1d2e3f4a5b'
    const partial = new Map<string, string[]>()
    expect(joinPieces(partial, `${origin}:1:4000000000:4000000001:x`)).toBeUndefined()
    expect(joinPieces(partial, `${origin}:2:1:2:second first`)).toBeUndefined()
    expect(joinPieces(partial, `${origin}:3:0:1:whole`)).toEqual({ origin, text: 'whole' })
    expect(joinPieces(partial, `not ours`)).toBeUndefined()
    expect(partial.size).toBe(0)
  })
})

describe('a broker that cannot reach its server', () => {
  it('admits upgrades after a short wait, and says it keeps trying', async () => {
    const probe = createServer()
    const port = await new Promise<number>((resolve) => probe.listen(0, '127.0.0.1', () => resolve((probe.address() as AddressInfo).port)))
    await new Promise((resolve) => probe.close(resolve)) // nothing listens there now
    const log: string[] = []
    const logger = { error: (line: string) => void log.push(line), warn: (line: string) => void log.push(line) }
    const broker = new PostgresChannelBroker({ url: `postgres://postgres@127.0.0.1:${port}/postgres`, logger })
    const served = listen(createApp({ routes: [], channels }), { threads: 1, channels: { broker } })
    const began = performance.now()
    const client = await Client.open(`${served.url.replace('http:', 'ws:')}/ws/rooms`)
    expect(performance.now() - began).toBeLessThan(4000)
    expect(await client.ask({ action: 'join', room: 'lobby' })).toEqual([{ seq: 1, action: 'join', data: null }])
    expect(log).toEqual([expect.stringMatching(/^pikku: the channel broker cannot listen on PostgreSQL yet \(.*ECONNREFUSED.*\); trying again$/)])
    client.ws.close()
    await served.close({ graceMs: 0 })
    await broker.close()
  })
})
