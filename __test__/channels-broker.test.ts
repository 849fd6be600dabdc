// Channel broadcasts across processes over Redis pub/sub (RedisChannelBroker), against a Redis
// server of the test's own: two app instances, one behind node:http and one standalone, each
// with its own broker. A publish on one reaches the topic's subscribers on both, once each,
// and never comes back to its sender. Then two instances as processes of their own, with
// Redis restarted under them: they say so, reconnect by themselves, and broadcasts flow again.
import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join as joinPath } from 'node:path'
import { createInterface } from 'node:readline'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { attachChannels, createApp, pikkuSessionlessFunc, type ChannelWiring } from '@pikku/native'
import { RedisChannelBroker } from '@pikku/native/redis'
import { listen } from '@pikku/native/standalone'

import { Client } from './helpers/channels.js'
import { startRedis, type RedisServer } from './helpers/redis.js'

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

let redis: RedisServer
const closers: (() => Promise<unknown>)[] = []
const children: ChildProcess[] = []
beforeAll(async () => {
  redis = await startRedis()
}, 30_000)
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL')
  for (const close of closers.reverse()) await close()
  await redis?.stop()
})

/** One instance of the app behind `kind`, with a broker of its own; its WebSocket URL. */
async function instance(kind: 'node-http' | 'standalone'): Promise<string> {
  const broker = new RedisChannelBroker({ url: redis.url, redisChannel: 'test:rooms' })
  const app = createApp({ routes: [], channels })
  if (kind === 'standalone') {
    const server = listen(app, { threads: 1, channels: { broker } })
    closers.push(() => broker.close(), () => server.close({ graceMs: 0 }))
    return `${server.url.replace('http:', 'ws:')}/ws/rooms`
  }
  const server = createServer()
  const served = attachChannels(app, server, { broker })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  closers.push(
    () => broker.close(),
    async () => {
      await served.close({ graceMs: 0 })
      await new Promise((resolve) => server.close(resolve))
    },
  )
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws/rooms`
}

describe('channel broadcasts over Redis', () => {
  it('reach the subscribers on every instance once, and never the sender', async () => {
    const [first, second] = await Promise.all([instance('node-http'), instance('standalone')])
    const far = await Client.open(first)
    const near = await Client.open(second)
    const sender = await Client.open(second)
    for (const client of [far, near, sender]) await client.ask({ action: 'join', room: 'lobby' })
    const [farStart, nearStart, senderStart] = [far.received.length, near.received.length, sender.received.length]
    await sender.ask({ action: 'shout', room: 'lobby', text: 'hello' })
    const broadcast = { room: 'lobby', text: 'hello' }
    expect(await far.next(farStart)).toEqual([broadcast])
    expect(await near.next(nearStart)).toEqual([broadcast])
    await new Promise((resolve) => setTimeout(resolve, 200)) // time for a duplicate to show
    expect(far.received.slice(farStart)).toEqual([broadcast])
    expect(near.received.slice(nearStart)).toEqual([broadcast])
    expect(sender.received.slice(senderStart)).toEqual([{ seq: 2, action: 'shout', data: null }])
    for (const client of [far, near, sender]) client.ws.close()
  })
})

/** An instance as a process of its own (fixtures/broker-process.mjs): its URL and its broker's log. */
async function instanceProcess(): Promise<{ url: string; log: string[] }> {
  const script = joinPath(__dirname, 'fixtures', 'broker-process.mjs')
  const child = spawn(process.execPath, [script, redis.url, 'test:rooms-processes'], { stdio: ['ignore', 'pipe', 'inherit'] })
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

describe('channel broadcasts over Redis between processes', () => {
  it('reach a socket on another process, and again after Redis restarts', async () => {
    const [first, second] = await Promise.all([instanceProcess(), instanceProcess()])
    const sender = await Client.open(first.url)
    const near = await Client.open(first.url)
    const far = await Client.open(second.url)
    for (const client of [near, far]) await client.ask({ action: 'join', room: 'lobby' })
    const texts = (client: Client) => client.received.flatMap((message) => ((message as { text?: string }).text ? [(message as { text: string }).text] : []))

    const before = await shoutUntilHeard(sender, far, 'before')
    await redis.restart()
    const reconnected = (log: string[]) => log.some((line) => line.includes("subscriber is connected to Redis again"))
    await expect.poll(() => reconnected(first.log) && reconnected(second.log), { timeout: 15_000 }).toBe(true)
    for (const { log } of [first, second]) expect(log.some((line) => line.includes("the channel broker's subscriber lost Redis"))).toBe(true)
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
