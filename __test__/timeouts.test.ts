// How long a request's middleware and function may run: past the limit (the app's
// `timeoutMs`, or its route's) the request is answered 504 and the function's `signal`
// aborts; what it returns later is dropped. Behind every adapter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createApp, PikkuStartupError, pikkuSessionlessFunc, type PikkuMiddleware } from '@pikku/native'

import { pikkuExpressRoute } from '@pikku/native/express'

import { ADAPTERS, serve, type Running } from './helpers/servers.js'

/** What the functions saw of their signal, by request. */
const seen = new Map<string, { aborted: boolean; reason?: string }>()

// Waits for its signal (or `ms`), and says what it saw.
const waits = pikkuSessionlessFunc<{ tag: string; ms?: string }, { done: string }>({
  name: 'timeoutWaits',
  input: { type: 'object', properties: { tag: { type: 'string' }, ms: { type: 'string' } }, required: ['tag'] },
  func: async ({ signal }, { tag, ms }) => {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Number(ms ?? 60_000))
      signal.addEventListener('abort', () => {
        clearTimeout(timer)
        resolve()
      })
    })
    seen.set(tag, { aborted: signal.aborted, reason: (signal.reason as Error | undefined)?.name })
    return { done: tag }
  },
})
const noop: PikkuMiddleware = async (_services, _context, next) => next()

const until = async (test: () => boolean) => {
  for (let i = 0; i < 100 && !test(); i++) await new Promise((resolve) => setTimeout(resolve, 20))
}

describe.each(ADAPTERS)('time limits behind %s', (kind) => {
  let server: Running
  beforeAll(async () => {
    const app = createApp({
      timeoutMs: 300,
      routes: [
        { method: 'get', route: '/wait', func: waits, auth: false },
        { method: 'get', route: '/wrapped', func: waits, auth: false, middleware: [noop] },
        { method: 'get', route: '/quick', func: waits, auth: false, timeoutMs: 100 },
        { method: 'get', route: '/unlimited', func: waits, auth: false, timeoutMs: 0 },
      ],
    })
    server = await serve(kind, app)
  })
  afterAll(() => server.close())

  it.each(['/wait', '/wrapped'])('answers %s 504 past the app limit and aborts the signal', async (path) => {
    const tag = `${kind}${path}`
    const started = Date.now()
    const res = await fetch(`${server.url}${path}?tag=${encodeURIComponent(tag)}`)
    expect(res.status).toBe(504)
    const body = await res.json()
    expect(body.name).toBe('GatewayTimeoutError')
    expect(body.message).toMatch(/did not finish within its limit of 300 ms/)
    expect(Date.now() - started).toBeLessThan(2_000)
    await until(() => seen.has(tag))
    expect(seen.get(tag)).toEqual({ aborted: true, reason: 'TimeoutError' })
  })

  it('answers in time without aborting, and never twice', async () => {
    const tag = `${kind}/in-time`
    const res = await fetch(`${server.url}/wait?tag=${encodeURIComponent(tag)}&ms=20`)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ done: tag })
    expect(seen.get(tag)).toEqual({ aborted: false, reason: undefined })
  })

  // Behind express-route, the handler's `timeoutMs` option (set from the route's).
  it("takes the route's own limit over the app's", async () => {
    const quick = await fetch(`${server.url}/quick?tag=${kind}-quick`)
    expect(quick.status).toBe(504)
    expect((await quick.json()).message).toMatch(/limit of 100 ms/)
    const unlimited = await fetch(`${server.url}/unlimited?tag=${kind}-unlimited&ms=500`)
    expect(unlimited.status).toBe(200)
  })
})

describe('time limit settings', () => {
  it('refuses a handler timeoutMs that is not a whole number of ms when the handler is made', () => {
    const app = createApp({ routes: [] })
    expect(() => pikkuExpressRoute(app, waits, { auth: false, timeoutMs: -1 })).toThrow(/PIKKU_ERR_CONFIG: `timeoutMs` of the pikkuExpressRoute handler \(function `timeoutWaits`\)/)
  })

  it.each([-1, 1.5, '10', 2 ** 31])('refuses timeoutMs %j at start-up, naming it', (value) => {
    const make = () => createApp({ timeoutMs: value as number, routes: [] })
    expect(make).toThrow(PikkuStartupError)
    expect(make).toThrow(/PIKKU_ERR_CONFIG.*`timeoutMs` of createApp.*whole number of milliseconds/s)
  })
})
