// Server-sent events (`sse: true` routes) through real HTTP on 127.0.0.1, behind every adapter
// that can stream: read by the `eventsource` package (a WHATWG EventSource for Node), and by raw
// fetch where the bytes matter (keep-alive comments, a client that stops reading).
import { connect } from 'node:net'

import { EventSource } from 'eventsource'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createApp, eventStream, NotFoundError, PikkuStartupError, pikkuSessionlessFunc, type PikkuApp } from '@pikku/native'

import { createHttpHandler } from '@pikku/native/lambda'

import { serve, type AdapterKind, type Running } from './helpers/servers.js'

/** The adapters that stream; Lambda answers whole responses. */
const STREAMING: AdapterKind[] = ['node-http', 'express', 'express+json', 'express-route', 'fastify', 'fastify-lifecycle', 'fastify-route', 'fetch', 'next', 'standalone']

/** What the functions saw, for the tests to read. */
const seen = { lastEventIds: [] as (string | undefined)[], closedReasons: [] as string[], sentBeforeDrop: 0, foreverSent: 0 }

const streamOf = (services: object) => eventStream<{ n: number }>(services)

/** Counts from the event after `Last-Event-ID` to `upTo`, at most two events per connection. */
const count = pikkuSessionlessFunc({
  input: { type: 'object', properties: { upTo: { type: 'integer', minimum: 1 } }, required: ['upTo'], additionalProperties: false },
  func: async (services, { upTo }: { upTo: number }) => {
    const events = streamOf(services)
    seen.lastEventIds.push(events.lastEventId)
    const from = Number(events.lastEventId ?? 0) + 1
    for (let n = from; n <= Math.min(upTo, from + 1); n++) await events.send({ n }, { id: String(n), retry: n === 1 ? 10 : undefined })
  },
})

/** Sends until the client goes away, and records why the stream closed. */
const forever = pikkuSessionlessFunc({
  input: { type: 'object', properties: { size: { type: 'integer' } }, additionalProperties: false },
  func: async (services, { size }: { size?: number }) => {
    const events = streamOf(services)
    const closed = new Promise<void>((resolve) => events.signal.addEventListener('abort', () => resolve()))
    const pad = 'x'.repeat(size ?? 10)
    let n = 0
    seen.foreverSent = 0
    while (events.open) {
      await events.send({ n: n++, pad } as never)
      seen.foreverSent = n
      await new Promise((resolve) => setImmediate(resolve))
    }
    await closed
    seen.closedReasons.push(String((events.signal.reason as Error).message))
  },
})

/** Never awaits `send`: the stream, not the function, must bound what waits for the client. */
const flood = pikkuSessionlessFunc({
  input: { type: 'object', additionalProperties: false },
  func: async (services) => {
    const events = streamOf(services)
    const pad = 'y'.repeat(16 * 1024)
    let sent = 0
    while (events.open && sent < 100_000) {
      void events.send({ n: sent++, pad } as never)
      if (sent % 16 === 0) await new Promise((resolve) => setImmediate(resolve))
    }
    seen.sentBeforeDrop = sent
    seen.closedReasons.push(String((events.signal.reason as Error).message))
  },
})

const failing = pikkuSessionlessFunc({
  input: { type: 'object', properties: { after: { type: 'integer' } }, additionalProperties: false },
  func: async (services, { after }: { after?: number }) => {
    const events = streamOf(services)
    for (let n = 1; n <= (after ?? 0); n++) await events.send({ n })
    throw new NotFoundError('no such feed')
  },
})

const idle = pikkuSessionlessFunc({
  input: { type: 'object', additionalProperties: false },
  func: async (services) => {
    const events = streamOf(services)
    await new Promise<void>((resolve) => events.signal.addEventListener('abort', () => resolve()))
  },
})

/** Sends nothing; records why its stream closed. */
const early = pikkuSessionlessFunc({
  input: { type: 'object', additionalProperties: false },
  func: async (services) => {
    const events = streamOf(services)
    await new Promise<void>((resolve) => events.signal.addEventListener('abort', () => resolve()))
    seen.closedReasons.push(String((events.signal.reason as Error).message))
  },
})

const typed = pikkuSessionlessFunc({
  input: { type: 'object', additionalProperties: false },
  func: async (services) => {
    const events = streamOf(services)
    await events.send({ n: 1 }, { event: 'tick' })
    return { n: 2 } // the last event
  },
})

const nothing = pikkuSessionlessFunc({ input: { type: 'object', additionalProperties: false }, func: async () => undefined })

const badId = pikkuSessionlessFunc({
  input: { type: 'object', additionalProperties: false },
  func: async (services) => void (await streamOf(services).send({ n: 1 }, { id: 'a\nevent: forged' })),
})

const routes = [
  { method: 'get' as const, route: '/count', func: count, auth: false, sse: true },
  { method: 'get' as const, route: '/forever', func: forever, auth: false, sse: true },
  { method: 'get' as const, route: '/flood', func: flood, auth: false, sse: true },
  { method: 'get' as const, route: '/failing', func: failing, auth: false, sse: true },
  { method: 'get' as const, route: '/idle', func: idle, auth: false, sse: true },
  { method: 'get' as const, route: '/early', func: early, auth: false, sse: true },
  { method: 'get' as const, route: '/typed', func: typed, auth: false, sse: true },
  { method: 'get' as const, route: '/nothing', func: nothing, auth: false, sse: true },
  { method: 'get' as const, route: '/bad-id', func: badId, auth: false, sse: true },
  { method: 'get' as const, route: '/private', func: nothing, sse: true },
]

const makeApp = (): PikkuApp => createApp({ routes, channels: [], sse: { keepAliveMs: 50, maxBufferedBytes: 256 * 1024 }, logger: { error: () => {} } })

/** Reads a response's body as text until `until` holds of what was read, then stops reading. */
async function readUntil(response: Response, until: (text: string) => boolean): Promise<string> {
  const reader = response.body!.getReader()
  const decoder = new TextDecoder()
  let text = ''
  while (!until(text)) {
    const { done, value } = await reader.read()
    if (done) break
    text += decoder.decode(value, { stream: true })
  }
  await reader.cancel()
  return text
}

const waitFor = async (check: () => boolean, ms = 5000) => {
  const start = Date.now()
  while (!check()) {
    if (Date.now() - start > ms) throw new Error('timed out waiting')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe.each(STREAMING)('server-sent events behind %s', (kind) => {
  let server: Running
  beforeAll(async () => {
    server = await serve(kind, makeApp())
  })
  afterAll(() => server?.close())

  it('streams events to an EventSource, which reconnects with Last-Event-ID until a 204 ends it', async () => {
    seen.lastEventIds = []
    const source = new EventSource(`${server.url}/count?upTo=5`)
    const got: { n: number; id: string }[] = []
    source.onmessage = (event) => got.push({ ...(JSON.parse(event.data) as { n: number }), id: event.lastEventId })
    // The last connection is answered 204: the EventSource closes for good.
    await waitFor(() => source.readyState === EventSource.CLOSED, 10_000)
    expect(got).toEqual([1, 2, 3, 4, 5].map((n) => ({ n, id: String(n) })))
    expect(seen.lastEventIds).toEqual([undefined, '2', '4', '5'])
  })

  it('sends named events and the returned value as the last event', async () => {
    const source = new EventSource(`${server.url}/typed`)
    const got: string[] = []
    source.addEventListener('tick', (event) => got.push(`tick ${event.data}`))
    source.onmessage = (event) => {
      got.push(`message ${event.data}`)
      source.close()
    }
    await waitFor(() => got.length === 2)
    expect(got).toEqual(['tick {"n":1}', 'message {"n":2}'])
  })

  it('sends the head with event-stream headers and keep-alive comments while idle', async () => {
    const response = await fetch(`${server.url}/idle`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
    expect(response.headers.get('cache-control')).toBe('no-cache')
    const text = await readUntil(response, (t) => t.split(': keep-alive\n\n').length > 2)
    expect(text).toMatch(/^(: keep-alive\n\n)+/)
  })

  it('tells the function when the client goes away mid-stream', async () => {
    seen.closedReasons = []
    const response = await fetch(`${server.url}/forever`)
    await readUntil(response, (t) => t.includes('"n":3'))
    await waitFor(() => seen.closedReasons.length === 1)
    expect(seen.closedReasons).toEqual(['the client went away'])
  })

  it('tells the function when the client goes away before the first event', async () => {
    seen.closedReasons = []
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1')
    socket.write('GET /early HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
    await new Promise((resolve) => setTimeout(resolve, 20))
    socket.destroy() // the head has not gone out: `early` sends nothing until its stream closes
    // The next keep-alive (50 ms) would start the stream: it finds the client gone.
    await waitFor(() => seen.closedReasons.length === 1)
    expect(seen.closedReasons).toEqual(['the client went away'])
  })

  it('answers before the first event as any route: 422, 401, 204, and a thrown error with its status', async () => {
    const invalid = await fetch(`${server.url}/count?upTo=zero`)
    expect(invalid.status).toBe(422)
    expect(((await invalid.json()) as { name: string }).name).toBe('UnprocessableContentError')
    expect((await fetch(`${server.url}/private`)).status).toBe(401)
    expect((await fetch(`${server.url}/nothing`)).status).toBe(204)
    const missing = await fetch(`${server.url}/failing`)
    expect(missing.status).toBe(404)
    expect(await missing.json()).toMatchObject({ name: 'NotFoundError', message: 'no such feed' })
    // An id that would forge a field is refused before anything is sent.
    expect((await fetch(`${server.url}/bad-id`)).status).toBe(500)
  })

  it('ends a started stream with an error event when the function throws', async () => {
    const response = await fetch(`${server.url}/failing?after=1`)
    expect(response.status).toBe(200)
    const text = await readUntil(response, () => false)
    const events = text.split('\n\n').filter((block) => block && !block.startsWith(':'))
    expect(events[0]).toBe('data: {"n":1}')
    expect(events[1]).toMatch(/^event: error\ndata: \{"name":"NotFoundError","message":"no such feed","errorId":"[^"]+"\}$/)
    expect(events).toHaveLength(2)
  })

  it('holds a function that awaits `send` while its client does not read: what waits stays bounded', async () => {
    seen.closedReasons = []
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1')
    socket.write('GET /forever?size=16384 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
    socket.pause() // and never reads
    const sent = async () => {
      await new Promise((resolve) => setTimeout(resolve, 300))
      return seen.foreverSent
    }
    // The count stops growing: the function waits (node:http, Fetch), or its client is dropped
    // at the limit (the standalone server counts in Rust); either way nothing piles up.
    let last = await sent()
    for (let next = await sent(); next !== last; next = await sent()) last = next
    expect(last * 16 * 1024).toBeLessThan(64 * 1024 * 1024)
    socket.destroy()
    await waitFor(() => seen.closedReasons.length === 1)
    expect(seen.closedReasons[0]).toMatch(/the client went away|did not read its events in time/)
  })

  it('drops a client that does not read, at the limit, and tells the function', async () => {
    seen.closedReasons = []
    seen.sentBeforeDrop = 0
    const controller = new AbortController()
    const response = await fetch(`${server.url}/flood`, { signal: controller.signal })
    expect(response.status).toBe(200) // and then nothing is read
    await waitFor(() => seen.closedReasons.length === 1, 10_000)
    controller.abort()
    expect(seen.closedReasons[0]).toMatch(/did not read its events in time|the client went away/)
    // Far fewer than the 100 000 events (1.6 GB) the function would have sent.
    expect(seen.sentBeforeDrop).toBeLessThan(100_000)
  })
})

describe('sse wiring', () => {
  it('refuses to start with sse on a method other than GET', () => {
    const start = () => createApp({ routes: [{ method: 'post', route: '/feed', func: nothing, auth: false, sse: true }], channels: [] })
    expect(start).toThrow(PikkuStartupError)
    expect(start).toThrow(/PIKKU_ERR_CONFIG[\s\S]*route `POST \/feed`[\s\S]*sse: true/)
  })

  it('refuses a Lambda HTTP handler for an app with event streams, naming the route', () => {
    const app = createApp({ routes: [{ method: 'get', route: '/feed', func: nothing, auth: false, sse: true }], channels: [] })
    expect(() => createHttpHandler(app)).toThrow(/PIKKU_ERR_LAMBDA: route `GET \/feed`: it streams server-sent events/)
  })

  it('refuses event-stream settings out of range', () => {
    expect(() => createApp({ routes: [], channels: [], sse: { keepAliveMs: 0 } })).toThrow(/sse\.keepAliveMs/)
  })
})
