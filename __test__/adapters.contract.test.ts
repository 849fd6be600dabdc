// One behaviour suite, run against every adapter through real HTTP on 127.0.0.1 (helpers/servers.ts):
// routing, query coercion, merging params, query and body, errors, sessions and responses.
// Bodies and prototype keys: adapters-bodies.contract.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { lifecycle } from './fixtures/todo-app.js'
import { rawHttp, simpleRequest } from './helpers/raw-http.js'
import { ADAPTERS, ROUTE_HANDLERS, RUNTIME_ADAPTERS, serveTodoApp, type Running } from './helpers/servers.js'

const json = { 'content-type': 'application/json' }

describe.each([...ADAPTERS, ...RUNTIME_ADAPTERS])('%s adapter', (kind) => {
  let server: Running
  let production: Running
  const get = (path: string, headers: Record<string, string> = {}) => fetch(server.url + path, { headers })
  const post = (path: string, body: string, headers: Record<string, string> = json, method = 'POST') =>
    fetch(server.url + path, { method, body, headers })

  beforeAll(async () => {
    server = await serveTodoApp(kind)
    production = await serveTodoApp(kind, { production: true })
  })
  afterAll(async () => {
    await server.close()
    await production.close()
  })

  describe('routing', () => {
    it('answers a static route with JSON', async () => {
      const res = await get('/todos')
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
      expect((await res.json()).todos).toHaveLength(3)
    })

    it('fills :params and coerces them by the schema', async () => {
      const res = await get('/todos/2')
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ id: 2, title: 'Write tests' })
    })

    it('matches *splat routes', async () => {
      const res = await get('/files/docs/a%20b.txt')
      expect(await res.json()).toEqual({ path: 'docs/a b.txt' })
    })

    it('answers 404 for an unknown path', async () => {
      const res = await get('/nowhere')
      expect(res.status).toBe(404)
      const body = await res.json()
      if (kind.startsWith('express') || kind.startsWith('fastify')) expect(body).toEqual({ fallthrough: true })
      else expect(body).toMatchObject({ name: 'NotFoundError', message: 'No route matches GET /nowhere' })
    })

    // Express routes per-route handlers itself: another method on a known path falls through.
    it.skipIf(ROUTE_HANDLERS.includes(kind))('answers 405 with an Allow header for a known path with another method', async () => {
      const res = await post('/todos/1', '{}', json, 'PATCH')
      expect(res.status).toBe(405)
      expect(res.headers.get('allow')).toBe('GET, HEAD, PUT, DELETE')
      expect(await res.json()).toMatchObject({ name: 'MethodNotAllowedError' })
    })

    it('serves HEAD from the GET route, without a body', async () => {
      const res = await rawHttp(server.url, simpleRequest('HEAD', '/todos/1'))
      expect(res.status).toBe(200)
      expect(res.body).toBe('')
    })

    // Express matches its own routes on the path as sent, dot segments and all.
    it.skipIf(ROUTE_HANDLERS.includes(kind))('resolves dot segments the same way behind every adapter', async () => {
      for (const target of ['/x/../todos/1', '/todos/./1', '/todos/%2e%2e/todos/1']) {
        const res = await rawHttp(server.url, simpleRequest('GET', target))
        expect(res.status, target).toBe(200)
        expect(JSON.parse(res.body)).toMatchObject({ id: 1 })
      }
    })

    // Express matches its own routes on the percent-encoded path: `/café` must be registered encoded.
    it.skipIf(ROUTE_HANDLERS.includes(kind))('matches routes with non-ASCII characters, percent-encoded by clients', async () => {
      expect(await (await get('/café')).json()).toEqual({ café: true })
    })

    // Next.js answers a method its route file does not export (PROPFIND) itself, without the
    // app's Allow; Express routes per-route handlers itself.
    it.skipIf(kind === 'next' || ROUTE_HANDLERS.includes(kind))('answers 405 for an unknown method on a known path', async () => {
      const res = await rawHttp(server.url, simpleRequest('PROPFIND', '/todos/1'))
      expect(res.status).toBe(405)
      expect(res.headers).toMatch(/\r\nallow: GET, HEAD, PUT, DELETE/i)
    })
  })

  describe('query and coercion', () => {
    it('coerces numbers and booleans only where the schema says so', async () => {
      const body = await (await get('/todos?limit=1&completed=false')).json()
      expect(body.query).toEqual({ limit: 1, completed: false })
      expect(body.todos).toEqual([expect.objectContaining({ id: 1 })])
    })

    it('turns repeated keys into arrays where the schema wants one, and wraps single values', async () => {
      expect((await (await get('/todos?tags=work&tags=home')).json()).query).toEqual({ tags: ['work', 'home'] })
      expect((await (await get('/todos?tags=work')).json()).query).toEqual({ tags: ['work'] })
    })

    it('leaves strings the schema does not want as numbers and reports them', async () => {
      const res = await get('/todos?limit=ten')
      expect(res.status).toBe(422)
      const body = await res.json()
      expect(body.name).toBe('UnprocessableContentError')
      expect(body.payload.errors).toEqual([{ path: '/limit', message: expect.stringContaining('"ten"') }])
    })

    it('keeps query values as strings where there is no schema', async () => {
      expect(await (await get('/echo?n=10&flag=true')).json()).toEqual({ n: '10', flag: 'true' })
    })
  })

  describe('merging params, query and body', () => {
    it('merges all three sources', async () => {
      const res = await post('/todos/7?completed=true', JSON.stringify({ title: 'Put' }), json, 'PUT')
      expect(await res.json()).toEqual({ id: 7, title: 'Put', completed: true, tags: [] })
    })

    it('accepts the same key with the same value from two sources', async () => {
      const res = await post('/todos/7', JSON.stringify({ id: 7, title: 'Same' }), json, 'PUT')
      expect(res.status).toBe(200)
    })

    it('answers 422 naming a key given two different values', async () => {
      const res = await post('/todos/7', JSON.stringify({ id: 8, title: 'Clash' }), json, 'PUT')
      expect(res.status).toBe(422)
      expect((await res.json()).message).toBe('Conflicting values for key "id": the path gives 7 and the body gives 8; send it once')
    })
  })

  describe('errors', () => {
    it('maps a thrown NotFoundError to 404 with name, message and errorId', async () => {
      const res = await get('/todos/99')
      expect(res.status).toBe(404)
      const body = await res.json()
      expect(body).toEqual({ name: 'NotFoundError', message: 'No todo with id 99', errorId: expect.any(String) })
      expect(body.errorId).toMatch(/^[0-9a-f-]{36}$/)
    })

    it('uses x-request-id as errorId', async () => {
      const res = await get('/todos/99', { 'x-request-id': 'req-123' })
      expect((await res.json()).errorId).toBe('req-123')
      const engineError = await get('/todos?limit=x', { 'x-request-id': 'req-456' })
      expect((await engineError.json()).errorId).toBe('req-456')
    })

    it('maps errors registered with addError, with their payload', async () => {
      const res = await get('/quota')
      expect(res.status).toBe(429)
      expect(await res.json()).toMatchObject({ name: 'QuotaExceededError', message: 'Quota exceeded', payload: { limit: 10 } })
    })

    it('answers an unknown throw with 500, message and stack outside production', async () => {
      const res = await get('/boom')
      expect(res.status).toBe(500)
      const body = await res.json()
      expect(body.message).toBe('kaboom: secret detail')
      expect(body.stack).toContain('kaboom')
    })

    it('answers an unknown throw with 500 { errorId } only in production', async () => {
      const res = await fetch(production.url + '/boom')
      expect(res.status).toBe(500)
      const body = await res.json()
      expect(Object.keys(body)).toEqual(['errorId'])
    })
  })

  describe('sessions and responses', () => {
    it('answers 401 when a route needs a session and there is none', async () => {
      const res = await get('/me')
      expect(res.status).toBe(401)
      expect(await res.json()).toMatchObject({ name: 'MissingSessionError' })
    })

    it('treats a hook answering null as no session', async () => {
      const res = await get('/me', { 'x-user': 'null' })
      expect(res.status).toBe(401)
    })

    it('passes the session from the hook to the function', async () => {
      const res = await get('/me', { 'x-user': 'ada' })
      expect(await res.json()).toEqual({ userId: 'ada' })
    })

    it('answers 204 without a body when the function returns nothing', async () => {
      const res = await post('/nothing', '{}')
      expect(res.status).toBe(204)
      expect(await res.text()).toBe('')
    })

    it('lets a function set the status and headers through its session services', async () => {
      const res = await post('/created', '{}')
      expect(res.status).toBe(201)
      expect(res.headers.get('location')).toBe('/todos/99')
    })

    // Counted in this process: the runtimes' servers run the app in a process of their own.
    it.skipIf((RUNTIME_ADAPTERS as string[]).includes(kind))('closes session services exactly once per invocation, also on a throw', async () => {
      const before = { ...lifecycle }
      await get('/todos/1')
      await get('/todos/99')
      await get('/boom')
      expect(lifecycle.created - before.created).toBe(3)
      expect(lifecycle.closed - before.closed).toBe(3)
    })
  })
})
