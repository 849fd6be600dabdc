// WebSocket channels through real connections on 127.0.0.1, served on the http.Server of
// node:http and of Express, and by the standalone server (Rust speaks the protocol): sessions
// at the upgrade, routed and validated messages, errors that keep the connection open,
// broadcasts and topics. A connection's life, limits and dead clients:
// channels-connections.test.ts.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { attachChannels, createApp, pikkuSessionlessFunc } from '@pikku/native'

import { Client, start, token, type Running } from './helpers/channels.js'

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

  it('sends null for a function that sends undefined', async () => {
    const client = await Client.open(`${server.url}/ws/todos`)
    expect(await client.ask({ action: 'nothing' }, 2)).toEqual([null, { seq: 1, action: 'nothing', data: null }])
    client.ws.close()
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
