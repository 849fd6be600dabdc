// The Fetch API handler on Requests made in-process, where the contract suite (over HTTP) does
// not reach: URLs with fragments and base paths, bodies without a Content-Length, and one whose
// Content-Length says more than the limit.
import { describe, expect, it } from 'vitest'

import { createApp, pikkuSessionlessFunc } from '@pikku/native'
import { createFetchHandler } from '@pikku/native/fetch'

const echo = pikkuSessionlessFunc({
  input: { type: 'object', properties: { id: { type: 'integer' }, q: { type: 'string' }, title: { type: 'string' } }, required: ['id'], additionalProperties: false },
  func: async (_services, data) => data,
})
const app = createApp({ routes: [{ method: 'post', route: '/items/:id', func: echo, auth: false }], channels: [], maxBodyBytes: 64 })

const post = (url: string, body: BodyInit, headers: Record<string, string> = {}) =>
  new Request(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, duplex: 'half' } as RequestInit)

describe('createFetchHandler', () => {
  const handle = createFetchHandler(app)

  it('routes the path and reads the query, leaving a fragment out', async () => {
    const res = await handle(post('http://localhost/items/7?q=a%20b#part?q=no', '{"title":"x"}'))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ id: 7, q: 'a b', title: 'x' })
  })

  it('removes its basePath only at a segment boundary', async () => {
    const api = createFetchHandler(app, { basePath: '/api' })
    expect((await api(post('http://localhost/api/items/7', '{}'))).status).toBe(200)
    expect((await api(post('http://localhost/apiitems/7', '{}'))).status).toBe(404)
  })

  it('reads a streamed body without Content-Length, and refuses one over the limit with 413', async () => {
    const stream = (text: string) => new Blob([text]).stream()
    const ok = await handle(post('http://localhost/items/7', stream('{"title":"streamed"}')))
    expect(await ok.json()).toEqual({ id: 7, title: 'streamed' })
    const big = await handle(post('http://localhost/items/7', stream(JSON.stringify({ title: 'x'.repeat(100) }))))
    expect(big.status).toBe(413)
  })

  it('answers 413 from a declared Content-Length over the limit, and checks a read body against the limit too', async () => {
    expect((await handle(post('http://localhost/items/7', '{}', { 'content-length': '1000' }))).status).toBe(413)
    // A Content-Length that understates the body (an in-process Request is held to nothing).
    const understated = await handle(post('http://localhost/items/7', JSON.stringify({ title: 'x'.repeat(100) }), { 'content-length': '10' }))
    expect(understated.status).toBe(413)
  })
})
