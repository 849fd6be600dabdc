// Route groups (`defineHTTPRoutes` / `wireHTTPRoutes`) through real HTTP: the code generator's
// fixture project (crates/pikku-codegen/tests/fixtures/route-groups), served with the
// metadata it generated — base paths joined, the nearest `auth`, the groups' middleware.
import { createServer } from 'node:http'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createApp, defineHTTPRoutes, PikkuStartupError, pikkuSessionlessFunc, wireHTTPRoutes } from '@pikku/native'
import { createRequestListener } from '@pikku/native/node-http'

import { listen, type Running } from './helpers/servers.js'

const fixture = join(__dirname, '../crates/pikku-codegen/tests/fixtures/route-groups')

describe('a project wired with route groups', () => {
  let server: Running
  beforeAll(async () => {
    await import('../crates/pikku-codegen/tests/fixtures/route-groups/wiring.js')
    server = await listen(createServer(createRequestListener(createApp({ metadata: join(fixture, 'expected.json') }))))
  })
  afterAll(() => server.close())

  it('serves each route at its groups’ base paths joined, validated by the generated schemas', async () => {
    const list = await fetch(`${server.url}/api/todos?limit=1`)
    expect(list.status).toBe(200)
    expect(await list.json()).toEqual([{ id: 1, title: 'Milk' }])
    expect(await (await fetch(`${server.url}/api/todos/7`)).json()).toEqual({ id: 7, title: 'Milk' })
    expect((await fetch(`${server.url}/api/todos/seven`)).status).toBe(422)
    expect((await fetch(`${server.url}/todos`)).status).toBe(404)
  })

  it('gives routes the nearest group’s auth, and wraps them in the groups’ middleware', async () => {
    const health = await fetch(`${server.url}/api/health`)
    expect(health.status).toBe(200)
    expect(health.headers.get('x-group')).toBe('api')
    expect((await fetch(`${server.url}/api/admin/stats`)).status).toBe(401)
  })
})

describe('route groups at start-up', () => {
  it('reports a route of a group as any route, with its full path', () => {
    const noSchema = pikkuSessionlessFunc(async () => 'x')
    wireHTTPRoutes({ basePath: '/v1', routes: { inner: defineHTTPRoutes({ basePath: '/x', routes: { y: { method: 'get', route: '/y', func: noSchema, auth: false } } }) } })
    expect(() => createApp({ channels: [] })).toThrow(PikkuStartupError)
    expect(() => createApp({ channels: [] })).toThrow(/PIKKU_ERR_SCHEMA_MISSING: route `GET \/v1\/x\/y`/)
  })
})
