// What the channel suites share: an app whose channels cover routing, sessions, topics and
// the limits, served by node:http, Express or the standalone server, and a client that
// collects what it receives.
import { createHmac } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

import express from 'express'
import { WebSocket } from 'ws'

import { ForbiddenError, attachChannels, createApp, pikkuFunc, pikkuSessionlessFunc, type AppOptions, type ChannelWiring, type OpenChannels } from '@pikku/native'
import { pikkuExpress } from '@pikku/native/express'
import { createRequestListener } from '@pikku/native/node-http'
import { listen as listenStandalone } from '@pikku/native/standalone'

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256'
const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url')
export function token(claims: Record<string, unknown>): string {
  const head = `${b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 60, ...claims }))}`
  return `${head}.${b64(createHmac('sha256', SECRET).update(head).digest())}`
}

/** What onConnect, onDisconnect and `secret` did, in order (tests clear it). */
export const events: string[] = []
const createTodo = pikkuSessionlessFunc<{ title: string }, { id: number; title: string }>({
  name: 'wsCreateTodo',
  input: { type: 'object', properties: { title: { type: 'string', minLength: 1 } }, required: ['title'], additionalProperties: false },
  func: async (_services, { title }) => ({ id: 1, title }),
})
const whoAmI = pikkuFunc<Record<string, never>, string>({ name: 'wsWhoAmI', input: { type: 'object', additionalProperties: false }, func: async (_s, _d, session) => session.userId })
const room = { type: 'string', minLength: 1 }
const join = pikkuSessionlessFunc<{ room: string }, void>({
  name: 'wsJoin',
  input: { type: 'object', properties: { room }, required: ['room'], additionalProperties: false },
  func: async ({ channel }, { room }) => {
    channel!.subscribe(room)
    channel!.send({ joined: room })
  },
})
const shout = pikkuSessionlessFunc<{ room: string; text: string }, void>({
  name: 'wsShout',
  input: { type: 'object', properties: { room, text: { type: 'string' } }, required: ['room', 'text'], additionalProperties: false },
  func: async ({ channel }, { room, text }) => channel!.publish(room, { room, text, from: channel!.id }),
})
const flood = pikkuSessionlessFunc<Record<string, never>, void>({
  name: 'wsFlood',
  input: { type: 'object', additionalProperties: false },
  func: async ({ channel }) => {
    const chunk = 'x'.repeat(64 * 1024)
    for (let i = 0; i < 256; i++) channel!.send(chunk)
  },
})
const nothing = pikkuSessionlessFunc<Record<string, never>, void>({
  name: 'wsNothing',
  input: { type: 'object', additionalProperties: false },
  func: async ({ channel }) => channel!.send(undefined),
})
const echo = pikkuSessionlessFunc<Record<string, unknown>, unknown>({ name: 'wsEcho', input: { type: 'object' }, func: async (_s, data) => data })
const opened = pikkuSessionlessFunc<Record<string, string>, void>({ name: 'wsOpened', input: { type: 'object' }, func: async (_s, params) => void events.push(`open ${JSON.stringify(params)}`) })
const closed = pikkuSessionlessFunc<Record<string, string>, void>({ name: 'wsClosed', input: { type: 'object' }, func: async (_s, params) => void events.push(`close ${JSON.stringify(params)}`) })

const welcome = pikkuSessionlessFunc<Record<string, string>, void>({
  name: 'wsWelcome',
  input: { type: 'object' },
  func: async ({ channel }) => channel!.send({ welcome: channel!.name }), // before any await: while the upgrade is still being answered
})

const refuseAll = pikkuSessionlessFunc<Record<string, string>, void>({
  name: 'wsRefuseAll',
  input: { type: 'object' },
  func: async () => {
    await new Promise((resolve) => setTimeout(resolve, 50)) // messages arrive meanwhile
    throw new ForbiddenError('Not today')
  },
})
const secret = pikkuSessionlessFunc<Record<string, never>, void>({
  name: 'wsSecret',
  input: { type: 'object', additionalProperties: false },
  func: async () => void events.push('secret ran'),
})

const channels: ChannelWiring[] = [
  {
    name: 'todos',
    route: '/ws/todos',
    auth: false,
    onConnect: opened,
    onDisconnect: closed,
    onMessageWiring: { action: { create: createTodo, whoami: { func: whoAmI, auth: true }, join, shout, flood, nothing } },
  },
  { name: 'rooms', route: '/ws/rooms/:room', onConnect: opened, onMessage: echo },
  { name: 'lobby', route: '/ws/lobby', auth: false, onMessageWiring: { action: { join, shout } } },
  { name: 'guarded', route: '/ws/guarded', auth: false, onConnect: refuseAll, onMessageWiring: { action: { secret } } },
  { name: 'welcome', route: '/ws/welcome', auth: false, onConnect: welcome, onMessage: echo },
]

export interface Running {
  url: string
  channels: OpenChannels
  close(): Promise<void>
}

export type ServerKind = 'node-http' | 'express' | 'standalone'
const LIMITS = { pingIntervalMs: 150, maxBufferedBytes: 1024 * 1024, maxQueuedMessages: 20 }

export async function start(kind: ServerKind, options: AppOptions = {}): Promise<Running> {
  const app = createApp({
    routes: [],
    channels,
    session: { jwt: { algorithm: 'HS256', secret: SECRET }, jwtQuery: 'token' },
    maxBodyBytes: 1024 * 1024,
    ...options,
  })
  if (kind === 'standalone') {
    // One server thread: the single-threaded runtime, whose shutdown must still hand JavaScript the last close events.
    const standalone = listenStandalone(app, { threads: 1, channels: LIMITS })
    return { url: standalone.url.replace('http:', 'ws:'), channels: standalone.channels, close: () => standalone.close() }
  }
  let server: Server
  if (kind === 'express') {
    const host = express()
    host.use(pikkuExpress(app))
    server = createServer(host)
  } else {
    server = createServer(createRequestListener(app))
  }
  const served = attachChannels(app, server, LIMITS)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `ws://127.0.0.1:${port}`,
    channels: served,
    close: async () => {
      await served.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** A connected client that collects what it receives. */
export class Client {
  readonly received: unknown[] = []
  private waiters: (() => void)[] = []
  /** The close code, whenever the socket closes (it may before anyone asks). */
  private readonly closing: Promise<number>
  constructor(readonly ws: WebSocket) {
    this.closing = new Promise((resolve) => ws.once('close', (code) => resolve(code)))
    ws.on('message', (data) => {
      this.received.push(JSON.parse(String(data)))
      for (const wake of this.waiters.splice(0)) wake()
    })
  }
  static open(url: string, options?: ConstructorParameters<typeof WebSocket>[2]): Promise<Client> {
    const ws = new WebSocket(url, options)
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new Client(ws)))
      ws.once('unexpected-response', (_req, res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => (body += chunk))
        res.on('end', () => reject(Object.assign(new Error(`refused ${res.statusCode}`), { status: res.statusCode, body: JSON.parse(body || '{}') })))
      })
      ws.once('error', reject)
    })
  }
  /** Sends a message and waits for the next `count` messages. */
  async ask(message: unknown, count = 1): Promise<unknown[]> {
    const start = this.received.length
    this.ws.send(typeof message === 'string' ? message : JSON.stringify(message))
    return this.next(start, count)
  }
  async next(start: number, count = 1): Promise<unknown[]> {
    const deadline = Date.now() + 3000
    while (this.received.length < start + count) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for messages; got ${JSON.stringify(this.received.slice(start))}`)
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve)
        setTimeout(resolve, 50)
      })
    }
    return this.received.slice(start, start + count)
  }
  closed(): Promise<number> {
    return this.closing
  }
}
