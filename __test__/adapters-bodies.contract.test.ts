// One behaviour suite, run against every adapter through real HTTP on 127.0.0.1 (helpers/servers.ts):
// bodies (JSON, forms, text, limits, pieces) and prototype keys. The rest of the suite:
// adapters.contract.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { rawHttp } from './helpers/raw-http.js'
import { ADAPTERS, ROUTE_HANDLERS, RUNTIME_ADAPTERS, serveTodoApp, type Running } from './helpers/servers.js'

const json = { 'content-type': 'application/json' }

describe.each([...ADAPTERS, ...RUNTIME_ADAPTERS])('%s adapter', (kind) => {
  let server: Running
  const get = (path: string, headers: Record<string, string> = {}) => fetch(server.url + path, { headers })
  const post = (path: string, body: string, headers: Record<string, string> = json, method = 'POST') =>
    fetch(server.url + path, { method, body, headers })

  beforeAll(async () => {
    server = await serveTodoApp(kind)
  })
  afterAll(async () => {
    await server.close()
  })

  describe('bodies', () => {
    it('parses and validates a JSON body', async () => {
      const res = await post('/todos', JSON.stringify({ title: 'New', tags: ['x'] }))
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ id: 4, title: 'New', completed: false, tags: ['x'] })
    })

    it('reports every validation error with its JSON pointer', async () => {
      const res = await post('/todos', JSON.stringify({ title: '', completed: 'yes', extra: 1 }))
      expect(res.status).toBe(422)
      const body = await res.json()
      const paths = body.payload.errors.map((e: { path: string }) => e.path).sort()
      expect(paths).toEqual(['/', '/completed', '/title'])
      // Routed by Express, the engine knows the function (unnamed here), not the route.
      const label = ROUTE_HANDLERS.includes(kind) ? 'anonymous function' : 'POST /todos'
      expect(body.message.startsWith(`${label}: Invalid input (3 errors)`)).toBe(true)
    })

    it('validates with a Zod schema given on the function', async () => {
      expect(await (await post('/zod', JSON.stringify({ title: 'a', priority: 3 }))).json()).toEqual({ title: 'a', priority: 3 })
      const res = await post('/zod', JSON.stringify({ title: 'a', priority: 9 }))
      expect(res.status).toBe(422)
      expect((await res.json()).payload.errors[0].path).toBe('/priority')
    })

    it('reads form bodies and coerces their fields by the schema', async () => {
      const res = await post('/todos', 'title=From+a+form&completed=true', { 'content-type': 'application/x-www-form-urlencoded' })
      expect(await res.json()).toMatchObject({ title: 'From a form', completed: true })
    })

    it('reads text/plain bodies as { data }', async () => {
      const res = await post('/echo', 'hello', { 'content-type': 'text/plain' })
      expect(await res.json()).toEqual({ data: 'hello' })
    })

    it('wraps a JSON body that is not an object as { data }', async () => {
      expect(await (await post('/echo', '[1,2]')).json()).toEqual({ data: [1, 2] })
    })

    it('answers 415 for another content type', async () => {
      const res = await post('/echo', '<a/>', { 'content-type': 'application/xml' })
      expect(res.status).toBe(415)
      expect((await res.json()).message).toContain('application/xml')
    })

    it('answers 400 to malformed JSON', async () => {
      expect((await post('/echo', '{\n  "a": 1,\n  oops\n}')).status).toBe(400)
    })

    // With express.json() in front, or behind Fastify's routes, the framework's own parser
    // rejects the body before Pikku sees it (Fastify's, tested below).
    it.skipIf(kind === 'express+json' || kind === 'fastify-route')('names the line and column of malformed JSON', async () => {
      const res = await post('/echo', '{\n  "a": 1,\n  oops\n}')
      expect((await res.json()).message).toMatch(/^Malformed JSON body at line 3, column 3/)
    })

    it('answers 413 for a body over the limit', async () => {
      const big = JSON.stringify({ data: 'x'.repeat(70 * 1024) })
      const res = await post('/echo', big)
      expect(res.status).toBe(413)
      expect(await res.json()).toMatchObject({ name: 'PayloadTooLargeError', message: expect.stringContaining('65536 bytes') })
    })

    it('answers 413 for a streamed body without Content-Length', async () => {
      const chunk = 'x'.repeat(16 * 1024)
      const chunks = Array.from({ length: 8 }, () => `${chunk.length.toString(16)}\r\n${chunk}\r\n`).join('')
      const res = await rawHttp(
        server.url,
        `POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${chunks}0\r\n\r\n`,
      )
      expect(res.status).toBe(413)
      expect(JSON.parse(res.body)).toMatchObject({ name: 'PayloadTooLargeError' })
    })

    it('reads a body that arrives after the head, in pieces', async () => {
      const body = JSON.stringify({ title: 'Later', tags: ['a'] })
      const head = `PUT /todos/7 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`
      const res = await rawHttp(server.url, [head, body.slice(0, 9), body.slice(9)])
      expect(res.status).toBe(200)
      expect(JSON.parse(res.body)).toEqual({ id: 7, title: 'Later', completed: false, tags: ['a'] })
    })

    const jsonHead = `PUT /todos/7 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nConnection: close\r\n`

    it('reads a body that came with the head', async () => {
      const body = JSON.stringify({ title: 'At once' })
      const whole = await rawHttp(server.url, `${jsonHead}Content-Length: ${body.length}\r\n\r\n${body}`)
      expect(JSON.parse(whole.body)).toEqual({ id: 7, title: 'At once', completed: false, tags: [] })
    })

    // Fastify's JSON parser refuses an empty JSON body itself (tested below).
    it.skipIf(kind === 'fastify-route')('reads an empty body as no input, not lost', async () => {
      const empty = await rawHttp(server.url, `${jsonHead}Content-Length: 0\r\n\r\n`)
      expect(empty.status).toBe(422) // no title
      expect(JSON.parse(empty.body).message).toContain('title')
    })

    it.runIf(kind === 'fastify-route')("leaves Fastify's JSON parser to refuse malformed, empty and prototype-poisoned bodies", async () => {
      const empty = await rawHttp(server.url, `${jsonHead}Content-Length: 0\r\n\r\n`)
      expect([empty.status, JSON.parse(empty.body).code]).toEqual([400, 'FST_ERR_CTP_EMPTY_JSON_BODY'])
      expect((await post('/echo', '{\n  "a": 1,\n  oops\n}')).status).toBe(400)
      for (const body of ['{"a":{"__proto__":{"polluted":true}}}', '{"constructor":{"prototype":{"polluted":true}}}']) {
        expect((await post('/echo', body)).status).toBe(400)
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    })

    it('routes before it answers 413: an unknown path over the limit is still 404', async () => {
      const res = await post('/nowhere', JSON.stringify({ data: 'x'.repeat(70 * 1024) }))
      expect(res.status).toBe(404)
    })

    it('ignores a body on GET', async () => {
      expect(await (await get('/echo')).json()).toEqual({})
    })
  })

  describe('prototype keys', () => {
    it.for([
      ['a __proto__ key in a JSON body', () => post('/echo', '{"a":{"__proto__":{"polluted":true}}}')],
      ['a constructor.prototype chain', () => post('/echo', '{"constructor":{"prototype":{"polluted":true}}}')],
      ['a __proto__ query key', () => get('/echo?__proto__=x')],
      ['a __proto__ form field', () => post('/echo', '__proto__=x', { 'content-type': 'application/x-www-form-urlencoded' })],
    ] as const)('refuses %s with 400', async ([name, send], { skip }) => {
      // express.urlencoded() in front drops a __proto__ form field itself, and Fastify's JSON
      // parser refuses prototype keys in JSON itself (both tested in their own tests).
      if (kind === 'express+json' && name.includes('form')) return skip()
      if (kind === 'fastify-route' && name.includes('JSON body')) return skip()
      if (kind === 'fastify-route' && name.includes('constructor')) return skip()
      const res = await send()
      expect(res.status).toBe(400)
      expect((await res.json()).message).toMatch(/is not allowed: it could change an object prototype/)
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    })

    it.runIf(kind === 'express+json')('lets express.urlencoded() drop a __proto__ form field before Pikku sees it', async () => {
      const res = await post('/echo', '__proto__=x', { 'content-type': 'application/x-www-form-urlencoded' })
      expect(await res.json()).toEqual({})
      expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    })
  })

})
