// Middleware order (global, route pattern, route, function) and CORS preflight, through real
// HTTP behind node:http and Express.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createServer } from 'node:http'

import express from 'express'

import {
  ConflictError,
  TooManyRequestsError,
  addHTTPMiddleware,
  cors,
  createApp,
  pikkuSessionlessFunc,
  type PikkuMiddleware,
  type RouteWiring,
} from '@pikku/native'

import { pikkuExpressRoute } from '@pikku/native/express'

import { listen, serve, type AdapterKind, type Running } from './helpers/servers.js'

const log: string[] = []
const layer = (name: string): PikkuMiddleware => async (_services, context, next) => {
  log.push(`${name}>`)
  await next()
  log.push(`<${name}`)
}

const item = pikkuSessionlessFunc<{ id: string }, { id: string }>({
  name: 'mwItem',
  input: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
  middleware: [layer('function')],
  func: async (_s, data) => {
    log.push('run')
    return data
  },
})
const seenBy = pikkuSessionlessFunc<Record<string, never>, void>({ name: 'mwSeen', input: { type: 'object' }, func: async () => undefined })

addHTTPMiddleware([layer('star')])
addHTTPMiddleware('/api/*', [layer('api')])
addHTTPMiddleware('/admin/*', [layer('admin')])
addHTTPMiddleware([cors({ origin: ['https://app.example'], credentials: true, exposedHeaders: ['x-trace'] })])

const context: { session?: unknown; route?: string; method?: string }[] = []
const inspect: PikkuMiddleware = async (_services, ctx, next) => {
  context.push({ session: ctx.session, route: ctx.route, method: ctx.http?.request.method })
  await next()
}
const gate: PikkuMiddleware = async (_services, { http }, next) => {
  const mode = http?.request.headers.get('x-gate')
  if (mode === 'teapot') {
    http!.response.status(418)
    http!.response.json({ brewed: true })
    return
  }
  if (mode === 'busy') throw new TooManyRequestsError('Slow down')
  await next()
  http?.response.header('x-trace', 'traced')
}

// Calls next() without awaiting or returning it: the chain must still be awaited.
const sloppy: PikkuMiddleware = (_services, _context, next) => {
  void next()
}
const late = pikkuSessionlessFunc<{ id: string }, void>({
  name: 'mwLate',
  input: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
  func: async () => {
    await new Promise((resolve) => setTimeout(resolve, 20))
    throw new ConflictError('Too late')
  },
})

const routes: RouteWiring[] = [
  { method: 'get', route: '/api/late/:id', func: late, auth: false, middleware: [sloppy] },
  { method: 'get', route: '/api/items/:id', func: item, auth: false, middleware: [layer('route')] },
  { method: 'get', route: '/apix/:id', func: item, auth: false },
  { method: 'post', route: '/api/seen', func: seenBy, auth: false, middleware: [inspect] },
  { method: 'get', route: '/api/private', func: seenBy },
]

describe.each<AdapterKind>(['node-http', 'express', 'fetch', 'standalone'])('middleware behind %s', (kind) => {
  let server: Running
  beforeAll(async () => {
    const app = createApp({
      routes,
      middleware: [layer('app'), gate],
      enrichSession: (_s, { headers }) => (headers.get('x-user') ? { userId: headers.get('x-user')! } : undefined),
    })
    server = await serve(kind, app)
  })
  afterAll(() => server.close())

  it('runs global, route-pattern, route and function middleware in onion order', async () => {
    log.length = 0
    const res = await fetch(server.url + '/api/items/7')
    expect(await res.json()).toEqual({ id: '7' })
    expect(log).toEqual(['app>', 'star>', 'api>', 'route>', 'function>', 'run', '<function', '<route', '<api', '<star', '<app'])
  })

  it('matches route patterns by whole segments', async () => {
    log.length = 0
    await fetch(server.url + '/apix/7')
    expect(log).toEqual(['app>', 'star>', 'function>', 'run', '<function', '<star', '<app'])
  })

  it('gives middleware the session and the route pattern', async () => {
    context.length = 0
    await fetch(server.url + '/api/seen', { method: 'POST', headers: { 'x-user': 'ada' } })
    expect(context).toEqual([{ session: { userId: 'ada' }, route: '/api/seen', method: 'POST' }])
  })

  it('lets middleware answer without next(), throw an error, or add headers after next()', async () => {
    log.length = 0
    const teapot = await fetch(server.url + '/api/items/1', { headers: { 'x-gate': 'teapot' } })
    expect(teapot.status).toBe(418)
    expect(await teapot.json()).toEqual({ brewed: true })
    expect(log).not.toContain('run')
    const busy = await fetch(server.url + '/api/items/1', { headers: { 'x-gate': 'busy' } })
    expect(busy.status).toBe(429)
    expect((await busy.json()).message).toBe('Slow down')
    expect((await fetch(server.url + '/api/items/1')).headers.get('x-trace')).toBe('traced')
  })

  it('awaits the rest of the chain when a middleware does not await next()', async () => {
    const res = await fetch(server.url + '/api/late/1')
    expect(res.status).toBe(409)
    expect((await res.json()).message).toBe('Too late')
  })

  it(kind === 'express' ? 'passes paths without routes on to Express untouched' : 'runs global middleware around a 404', async () => {
    log.length = 0
    const res = await fetch(server.url + '/no/such/path', { headers: { 'x-gate': 'busy' } })
    if (kind === 'express') {
      expect(res.status).toBe(404)
      expect(await res.json()).toEqual({ fallthrough: true })
      expect(log).toEqual([])
    } else {
      expect(res.status).toBe(429)
      expect(log).toEqual(['app>']) // the gate threw: nothing after it ran
    }
  })

  it('runs global middleware around engine errors too, without route middleware', async () => {
    log.length = 0
    const res = await fetch(server.url + '/api/private', { headers: { origin: 'https://app.example' } })
    expect(res.status).toBe(401)
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example')
    expect(log).toEqual(['app>', 'star>', '<star', '<app'])
  })
})

describe.each<AdapterKind>(['node-http', 'express', 'fetch', 'standalone'])('CORS behind %s', (kind) => {
  let server: Running
  beforeAll(async () => {
    server = await serve(kind, createApp({ routes }))
  })
  afterAll(() => server.close())
  const preflight = (path: string, origin: string, method = 'PUT') =>
    fetch(server.url + path, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': method, 'access-control-request-headers': 'content-type, x-api-key' },
    })

  it.each(['/nowhere/at/all', '/api/items/1'])('answers a preflight on %s with 204 and the allowed methods and headers', async (path) => {
    const res = await preflight(path, 'https://app.example')
    expect(res.status).toBe(204)
    expect(Object.fromEntries([...res.headers].filter(([name]) => name.startsWith('access-control-') || name === 'vary'))).toEqual({
      'access-control-allow-origin': 'https://app.example',
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, HEAD, PUT, PATCH, POST, DELETE',
      'access-control-allow-headers': 'content-type, x-api-key',
      'access-control-expose-headers': 'x-trace',
      'access-control-max-age': '600',
      vary: 'Origin, Access-Control-Request-Headers',
    })
  })

  it('gives a preflight from another origin no allow headers', async () => {
    const res = await preflight('/api/items/1', 'https://evil.example')
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    expect(res.headers.get('access-control-allow-methods')).toBeNull()
  })

  it('adds the origin to simple requests, and leaves a plain OPTIONS to routing', async () => {
    const res = await fetch(server.url + '/api/items/3', { headers: { origin: 'https://app.example' } })
    expect(res.status).toBe(200)
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example')
    expect((await fetch(server.url + '/api/items/3', { method: 'OPTIONS' })).status).toBe(405)
  })

  it('varies on Origin for other origins too, so that caches keep answers apart', async () => {
    const res = await fetch(server.url + '/api/items/3', { headers: { origin: 'https://evil.example' } })
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    expect(res.headers.get('vary')).toBe('Origin')
  })

  it('refuses credentials with a wildcard origin at start-up', () => {
    expect(() => cors({ origin: '*', credentials: true })).toThrow(/credentials: true` needs explicit origins/)
  })
})

describe('route-pattern middleware on routes the host framework matched (Express)', () => {
  let server: Running
  beforeAll(async () => {
    const app = createApp({ routes: [] })
    const host = express()
    host.get('/admin/:id', pikkuExpressRoute(app, item, { auth: false }))
    const mounted = express.Router()
    mounted.get('/:id', pikkuExpressRoute(app, item, { auth: false }))
    host.use('/admin-area', mounted)
    server = await listen(createServer(host))
  })
  afterAll(() => server.close())

  // Express matches routes without regard to case, and a router's paths without its mount
  // point: the `/admin/*` middleware must run for every spelling that reaches the route.
  it.each(['/admin/1', '/ADMIN/1', '/Admin/1', '/admin/%31', '/x/../admin/1'])('runs for %s', async (path) => {
    log.length = 0
    const res = await fetch(server.url + path)
    expect(res.status).toBe(200)
    expect(log).toContain('admin>')
  })

  it('matches the path with the mount point of a router', async () => {
    addHTTPMiddleware('/admin-area/*', [layer('area')])
    const app = createApp({ routes: [] })
    const host = express()
    const mounted = express.Router()
    mounted.get('/:id', pikkuExpressRoute(app, item, { auth: false }))
    host.use('/admin-area', mounted)
    const running = await listen(createServer(host))
    log.length = 0
    expect((await fetch(running.url + '/admin-area/5')).status).toBe(200)
    expect(log).toContain('area>')
    await running.close()
  })
})
