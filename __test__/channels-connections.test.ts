// WebSocket channels through real connections on 127.0.0.1, served on the http.Server of
// node:http and of Express, and by the standalone server (Rust speaks the protocol): a
// connection's life (onConnect, onDisconnect, refusals, the server's close), disconnect
// cleanup, limits and dead clients.
import { connect } from 'node:net'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { Client, events, start, type Running } from './helpers/channels.js'

describe.each(['node-http', 'express', 'standalone'] as const)('channels served by %s', (kind) => {
  let server: Running
  beforeAll(async () => {
    server = await start(kind)
  })
  afterAll(() => server.close())

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
