// A channel with `replies: 'reference'` answers as the reference Pikku does, for clients
// written for it — over a real WebSocket behind node:http and the standalone server: the
// result with the routing key merged in, `{ error, errorName }` then a close, and nothing for a
// message no handler takes.
import { createServer } from 'node:http'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'

import { attachChannels, ConflictError, createApp, PikkuStartupError, pikkuSessionlessFunc, type PikkuApp } from '@pikku/native'
import { createRequestListener } from '@pikku/native/node-http'
import { listen as listenStandalone } from '@pikku/native/standalone'

import { listen, type Running } from './helpers/servers.js'

const create = pikkuSessionlessFunc({
  name: 'refCreate',
  input: { type: 'object', properties: { title: { type: 'string', minLength: 1 } }, required: ['title'], additionalProperties: false },
  func: async (_services, { title }: { title: string }) => ({ id: 1, title }),
})
const conflict = pikkuSessionlessFunc({
  name: 'refConflict',
  input: { type: 'object', additionalProperties: false },
  func: async () => {
    throw new ConflictError('taken')
  },
})

const makeApp = (): PikkuApp =>
  createApp({
    routes: [],
    channels: [{ name: 'ref', route: '/ws', auth: false, replies: 'reference', onMessageWiring: { action: { create, conflict } } }],
    logger: { error: () => {} },
  })

/** A socket that collects frames and its close. */
async function open(url: string) {
  const socket = new WebSocket(url)
  const frames: unknown[] = []
  let closed: { code: number; reason: string } | undefined
  socket.on('message', (data) => frames.push(JSON.parse(String(data))))
  socket.on('close', (code, reason) => (closed = { code, reason: String(reason) }))
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
  const until = async (check: () => boolean) => {
    for (let i = 0; i < 200 && !check(); i++) await new Promise((resolve) => setTimeout(resolve, 10))
    if (!check()) throw new Error(`timed out; got ${JSON.stringify(frames)}`)
  }
  return { socket, frames, closed: () => closed, until }
}

describe.each(['node-http', 'standalone'] as const)("a channel with replies: 'reference' behind %s", (kind) => {
  let server: Running
  let wsUrl: string
  beforeAll(async () => {
    const app = makeApp()
    if (kind === 'standalone') {
      const standalone = listenStandalone(app)
      server = { url: standalone.url, close: () => standalone.close() }
    } else {
      const http = createServer(createRequestListener(app))
      attachChannels(app, http)
      server = await listen(http)
    }
    wsUrl = `${server.url.replace('http', 'ws')}/ws`
  })
  afterAll(() => server.close())

  it('merges the routing key into the result, without a seq', async () => {
    const client = await open(wsUrl)
    client.socket.send(JSON.stringify({ action: 'create', title: 'Milk' }))
    await client.until(() => client.frames.length === 1)
    expect(client.frames[0]).toEqual({ id: 1, title: 'Milk', action: 'create' })
    client.socket.close()
  })

  it('answers nothing to a message no handler takes', async () => {
    const client = await open(wsUrl)
    client.socket.send(JSON.stringify({ action: 'nope' }))
    client.socket.send(JSON.stringify({ action: 'create', title: 'Bread' }))
    await client.until(() => client.frames.length === 1)
    expect(client.frames).toEqual([{ id: 1, title: 'Bread', action: 'create' }])
    client.socket.close()
  })

  it('sends { error, errorName } and closes the socket on an error', async () => {
    const thrown = await open(wsUrl)
    thrown.socket.send(JSON.stringify({ action: 'conflict' }))
    await thrown.until(() => thrown.closed() !== undefined)
    expect(thrown.frames).toEqual([{ error: 'taken', errorName: 'ConflictError' }])
    expect(thrown.closed()).toEqual({ code: 1008, reason: 'ConflictError' })
    const invalid = await open(wsUrl)
    invalid.socket.send(JSON.stringify({ action: 'create', title: '' }))
    await invalid.until(() => invalid.closed() !== undefined)
    expect(invalid.frames).toEqual([{ error: expect.stringMatching(/title/), errorName: 'UnprocessableContentError' }])
  })
})

it("refuses to start with a `replies` that is neither 'pikku' nor 'reference'", () => {
  const start = () => createApp({ routes: [], channels: [{ name: 'x', route: '/x', auth: false, replies: 'v1' as never, onMessageWiring: { action: { create } } }] })
  expect(start).toThrow(PikkuStartupError)
  expect(start).toThrow(/PIKKU_ERR_CHANNEL: channel `x`: `replies` is "v1"/)
})
