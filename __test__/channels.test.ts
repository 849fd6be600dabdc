// WebSocket channels through real connections on 127.0.0.1, served on the http.Server of
// node:http and of Express, and by the standalone server (Rust speaks the protocol): sessions at the upgrade, routed and validated messages, errors
// that keep the connection open, broadcasts, disconnect cleanup, limits and dead clients.
import { createHmac } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'

import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'

import { ForbiddenError, attachChannels, createApp, pikkuFunc, pikkuSessionlessFunc, type AppOptions, type ChannelWiring, type OpenChannels } from '@pikku/native'
import { pikkuExpress } from '@pikku/native/express'
import { createRequestListener } from '@pikku/native/node-http'
import { listen as listenStandalone } from '@pikku/native/standalone'

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256'
const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url')
function token(claims: Record<string, unknown>): string {
  const head = `${b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64(JSON.stringify({ exp: Math.floor(Date.now() / 1000) + 60, ...claims }))}`
  return `${head}.${b64(createHmac('sha256', SECRET).update(head).digest())}`
}

const events: string[] = []
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

interface Running {
  url: string
  channels: OpenChannels
  close(): Promise<void>
}

type ServerKind = 'node-http' | 'express' | 'standalone'
const LIMITS = { pingIntervalMs: 150, maxBufferedBytes: 1024 * 1024, maxQueuedMessages: 20 }

async function start(kind: ServerKind, options: AppOptions = {}): Promise<Running> {
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
class Client {
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

// The Fetch API has no WebSocket upgrade: channels are served by the HTTP servers only.
describe.skip('channels served by fetch (the Fetch API has no WebSocket upgrade)', () => {
  it('is not a transport for channels', () => undefined)
})

describe.each(['node-http', 'express', 'standalone'] as const)('channels served by %s', (kind) => {
  let server: Running
  beforeAll(async () => {
    server = await start(kind)
  })
  afterAll(() => server.close())

  it('routes a message by its action, validated, and replies with the result', async () => {
    const client = await Client.open(`${server.url}/ws/todos`)
    expect(await client.ask({ action: 'create', title: 'Milk' })).toEqual([{ seq: 1, action: 'create', data: { id: 1, title: 'Milk' } }])
    client.ws.close()
  })

  it('answers invalid and unroutable messages with an error and keeps the connection open', async () => {
    const client = await Client.open(`${server.url}/ws/todos`)
    const [invalid] = (await client.ask({ action: 'create', title: '' })) as [{ action: string; error: { name: string; payload: { errors: { path: string }[] } } }]
    expect(invalid.action).toBe('create')
    expect(invalid.error.name).toBe('UnprocessableContentError')
    expect(invalid.error.payload.errors[0]!.path).toBe('/title')
    expect(await client.ask({ action: 'explode' })).toMatchObject([{ action: 'explode', error: { name: 'NotFoundError' } }])
    expect(await client.ask('not json')).toMatchObject([{ error: { name: 'BadRequestError' } }])
    expect(await client.ask('{"action":"create","__proto__":{"x":1}}')).toMatchObject([{ error: { name: 'BadRequestError' } }])
    expect(await client.ask({ action: 'create', title: 'Still open' })).toMatchObject([{ data: { title: 'Still open' } }])
    client.ws.close()
  })

  it('decodes the session at the upgrade: refused with 401 on an auth channel, from a bearer or a query token', async () => {
    await expect(Client.open(`${server.url}/ws/rooms/lobby`)).rejects.toMatchObject({ status: 401, body: { name: 'MissingSessionError' } })
    await expect(Client.open(`${server.url}/ws/rooms/lobby?token=bad`)).rejects.toMatchObject({ status: 401, body: { name: 'InvalidSessionError' } })
    await expect(Client.open(`${server.url}/ws/nowhere`)).rejects.toMatchObject({ status: 404 })
    const byHeader = await Client.open(`${server.url}/ws/rooms/lobby`, { headers: { authorization: `Bearer ${token({ userId: 'ada' })}` } })
    expect(await byHeader.ask({ type: 'hi' })).toEqual([{ seq: 1, data: { type: 'hi' } }])
    byHeader.ws.close()
    const byQuery = await Client.open(`${server.url}/ws/rooms/lobby?token=${token({ userId: 'bo' })}`)
    expect(await byQuery.ask({ type: 'hey' })).toEqual([{ seq: 1, data: { type: 'hey' } }])
    byQuery.ws.close()
  })

  it('runs a handler that needs a session only with one', async () => {
    const anonymous = await Client.open(`${server.url}/ws/todos`)
    expect(await anonymous.ask({ action: 'whoami' })).toMatchObject([{ action: 'whoami', error: { name: 'MissingSessionError' } }])
    anonymous.ws.close()
    const signedIn = await Client.open(`${server.url}/ws/todos?token=${token({ userId: 'ada' })}`)
    expect(await signedIn.ask({ action: 'whoami' })).toEqual([{ seq: 1, action: 'whoami', data: 'ada' }])
    signedIn.ws.close()
  })

  it('broadcasts to the other subscribers of a topic', async () => {
    const [a, b, c] = await Promise.all([1, 2, 3].map(() => Client.open(`${server.url}/ws/todos`)))
    // `join` sends `{ joined }` itself, then its (empty) reply follows.
    expect(await a!.ask({ action: 'join', room: 'r1' }, 2)).toEqual([{ joined: 'r1' }, { seq: 1, action: 'join', data: null }])
    await b!.ask({ action: 'join', room: 'r1' }, 2)
    await c!.ask({ action: 'join', room: 'r2' }, 2)
    const bStart = b!.received.length
    a!.ws.send(JSON.stringify({ action: 'shout', room: 'r1', text: 'hello' }))
    expect(await b!.next(bStart)).toMatchObject([{ room: 'r1', text: 'hello' }])
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(a!.received.filter((m) => (m as { text?: string }).text === 'hello')).toEqual([])
    expect(c!.received.filter((m) => (m as { text?: string }).text === 'hello')).toEqual([])
    for (const client of [a, b, c]) client!.ws.close()
  })

  it('runs onConnect and onDisconnect and forgets a closed connection', async () => {
    // Earlier tests' clients close without waiting: let their onDisconnect runs finish first.
    const settle = Date.now() + 2000
    while (server.channels.connections > 0 && Date.now() < settle) await new Promise((resolve) => setTimeout(resolve, 20))
    await new Promise((resolve) => setTimeout(resolve, 50))
    events.length = 0
    const before = server.channels.connections
    const client = await Client.open(`${server.url}/ws/todos`)
    await client.ask({ action: 'join', room: 'gone' }, 2)
    expect(server.channels.subscribers('todos', 'gone')).toBe(1)
    const listener = await Client.open(`${server.url}/ws/todos`)
    await listener.ask({ action: 'join', room: 'gone' }, 2)
    client.ws.close()
    await client.closed()
    const deadline = Date.now() + 2000
    while (!events.includes('close {}') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(events).toEqual(['open {}', 'open {}', 'close {}'])
    // The closed connection left its topics.
    expect(server.channels.subscribers('todos', 'gone')).toBe(1)
    expect(await listener.ask({ action: 'shout', room: 'gone', text: 'anyone?' })).toEqual([{ seq: 2, action: 'shout', data: null }])
    listener.ws.close()
    await listener.closed()
    while (server.channels.connections > before && Date.now() < deadline + 2000) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(server.channels.connections).toBe(before)
  })

  it('closes a connection that sends a 1 MB message (1009) and keeps serving others', async () => {
    const big = await Client.open(`${server.url}/ws/todos`)
    const other = await Client.open(`${server.url}/ws/todos`)
    big.ws.send(JSON.stringify({ action: 'create', title: 'x'.repeat(1024 * 1024) }))
    expect(await big.closed()).toBe(1009)
    expect(await other.ask({ action: 'create', title: 'fine' })).toMatchObject([{ data: { title: 'fine' } }])
    other.ws.close()
  })

  it('closes a connection that sends faster than its messages are handled (1008)', async () => {
    const flooder = await Client.open(`${server.url}/ws/todos`)
    for (let i = 0; i < 200; i++) flooder.ws.send(JSON.stringify({ action: 'create', title: `t${i}` }))
    expect(await flooder.closed()).toBe(1008)
  })

  it('survives a client that resets its upgrade request before the answer', async () => {
    for (let i = 0; i < 5; i++) {
      const port = Number(new URL(server.url).port)
      const socket = connect(port, '127.0.0.1')
      await new Promise((resolve) => socket.once('connect', resolve))
      socket.write('GET /ws/nowhere HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n')
      socket.resetAndDestroy()
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
    const client = await Client.open(`${server.url}/ws/todos`)
    expect(await client.ask({ action: 'create', title: 'alive' })).toMatchObject([{ data: { title: 'alive' } }])
    client.ws.close()
  })

  it('refuses pages from another origin (403), and lets its own and non-browser clients in', async () => {
    await expect(Client.open(`${server.url}/ws/todos`, { origin: 'https://evil.example' })).rejects.toMatchObject({ status: 403, body: { name: 'ForbiddenError' } })
    const own = await Client.open(`${server.url}/ws/todos`, { origin: server.url.replace('ws:', 'http:') })
    own.ws.close()
  })

  it('delivers what onConnect sends at once, before the replies', async () => {
    const client = await Client.open(`${server.url}/ws/welcome`)
    expect(await client.next(0)).toEqual([{ welcome: 'welcome' }])
    expect(await client.ask({ hi: 1 })).toEqual([{ seq: 1, data: { hi: 1 } }])
    client.ws.close()
  })

  it('runs nothing of a connection that onConnect refused', async () => {
    events.length = 0
    const client = await Client.open(`${server.url}/ws/guarded`)
    client.ws.send(JSON.stringify({ action: 'secret' }))
    client.ws.send(JSON.stringify({ action: 'secret' }))
    expect(await client.closed()).toBe(1008)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(events).not.toContain('secret ran')
    expect(client.received).toMatchObject([{ error: { name: 'ForbiddenError', message: 'Not today' } }])
  })

  it('keeps the topics of one channel apart from another', async () => {
    const todos = await Client.open(`${server.url}/ws/todos`)
    const lobby = await Client.open(`${server.url}/ws/lobby`)
    const lobby2 = await Client.open(`${server.url}/ws/lobby`)
    await todos.ask({ action: 'join', room: 'shared' }, 2)
    await lobby.ask({ action: 'join', room: 'shared' }, 2)
    await lobby2.ask({ action: 'join', room: 'shared' }, 2)
    const start = lobby2.received.length
    lobby.ws.send(JSON.stringify({ action: 'shout', room: 'shared', text: 'lobby only' }))
    expect(await lobby2.next(start)).toMatchObject([{ text: 'lobby only' }])
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(todos.received.some((m) => (m as { text?: string }).text === 'lobby only')).toBe(false)
    for (const c of [todos, lobby, lobby2]) c.ws.close()
  })

  it('closes open connections with 1001 when the server closes, and runs their onDisconnect', async () => {
    const own = await start(kind)
    const client = await Client.open(`${own.url}/ws/todos`)
    expect(await client.ask({ action: 'create', title: 'last' })).toMatchObject([{ data: { title: 'last' } }])
    events.length = 0
    await own.close()
    expect(await client.closed()).toBe(1001)
    const deadline = Date.now() + 2000
    while (!events.includes('close {}') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(events).toContain('close {}')
    expect(own.channels.connections).toBe(0)
  })

  it('sends null for a function that sends undefined', async () => {
    const client = await Client.open(`${server.url}/ws/todos`)
    expect(await client.ask({ action: 'nothing' }, 2)).toEqual([null, { seq: 1, action: 'nothing', data: null }])
    client.ws.close()
  })

  it('drops a client that does not answer pings, and one that does not read', async () => {
    const dead = await Client.open(`${server.url}/ws/todos`, { autoPong: false })
    const code = await dead.closed()
    expect(code).toBe(1006) // terminated by the server
    const slow = await Client.open(`${server.url}/ws/todos`)
    const other = await Client.open(`${server.url}/ws/todos`)
    ;(slow.ws as unknown as { _socket: { pause(): void } })._socket.pause()
    slow.ws.send(JSON.stringify({ action: 'flood' }))
    expect(await other.ask({ action: 'create', title: 'not blocked' })).toMatchObject([{ data: { title: 'not blocked' } }])
    ;(slow.ws as unknown as { _socket: { resume(): void } })._socket.resume()
    expect(await slow.closed()).toBe(1006)
    other.ws.close()
  })
})

describe.each(['node-http', 'standalone'] as const)('channels with the app\'s session hook (%s)', (kind) => {
  let server: Running
  beforeAll(async () => {
    server = await start(kind, {
      enrichSession: (session, { headers }) => {
        if (session?.userId === 'banned') return undefined // revoked since the token was issued
        if (session) return { ...session, role: 'admin' as const }
        return headers.get('x-user') ? { userId: headers.get('x-user')! } : undefined
      },
    })
  })
  afterAll(() => server.close())

  it('runs on upgrades: may revoke a decoded session, or supply one', async () => {
    await expect(Client.open(`${server.url}/ws/rooms/a?token=${token({ userId: 'banned' })}`)).rejects.toMatchObject({ status: 401, body: { name: 'MissingSessionError' } })
    const supplied = await Client.open(`${server.url}/ws/rooms/a`, { headers: { 'x-user': 'guest' } })
    expect(await supplied.ask({ type: 'hi' })).toMatchObject([{ data: { type: 'hi' } }])
    supplied.ws.close()
    await expect(Client.open(`${server.url}/ws/rooms/a`)).rejects.toMatchObject({ status: 401 })
  })
})

describe('channel handler schemas', () => {
  it('refuses at start-up a handler whose messages would not be validated', () => {
    const loose = pikkuSessionlessFunc<{ x: number }, void>(async () => undefined)
    expect(() => createApp({ routes: [], channels: [{ name: 'loose', route: '/ws/loose', auth: false, onMessageWiring: { action: { go: loose } } }] })).toThrow(
      /PIKKU_ERR_SCHEMA_MISSING: channel `loose`, handler for `go`: its input has no schema, so it would run unvalidated/,
    )
  })

  it('validates each anonymous handler with its own schema', async () => {
    const small = pikkuSessionlessFunc({ input: { type: 'object', properties: { n: { type: 'integer', maximum: 10 } }, required: ['n'], additionalProperties: false }, func: async () => 'small' })
    const named = pikkuSessionlessFunc({ input: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], additionalProperties: false }, func: async () => 'named' })
    const app = createApp({ routes: [], channels: [{ name: 'two', route: '/ws/two', auth: false, onMessageWiring: { action: { small, named } } }] })
    const server = createServer()
    const served = attachChannels(app, server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const client = await Client.open(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws/two`)
    expect(await client.ask({ action: 'small', n: 1e9 })).toMatchObject([{ error: { name: 'UnprocessableContentError' } }])
    expect(await client.ask({ action: 'small', n: 3, extra: 1 })).toMatchObject([{ error: { name: 'UnprocessableContentError' } }])
    expect(await client.ask({ action: 'named', name: 'x' })).toMatchObject([{ data: 'named' }])
    client.ws.close()
    await served.close()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
})
