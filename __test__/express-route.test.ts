// The per-route Express handler: Express routes, Pikku validates and runs.
import express from 'express'
import { createServer } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { pikkuExpress, pikkuExpressRoute } from '@pikku/native/express'

import { createTodo, getTodo, makeTodoApp, whoAmI } from './fixtures/todo-app.js'
import { listen, type Running } from './helpers/servers.js'

describe('pikkuExpressRoute', () => {
  let server: Running
  beforeAll(async () => {
    const app = makeTodoApp()
    const router = express()
    router.get('/items/:id', pikkuExpressRoute(app, getTodo, { auth: false }))
    router.post('/items/:id', express.json(), pikkuExpressRoute(app, createTodo, { auth: false }))
    router.get('/whoami', pikkuExpressRoute(app, whoAmI))
    server = await listen(createServer(router))
  })
  afterAll(() => server.close())

  it("turns Express's params into the function's input, coerced by its schema", async () => {
    const res = await fetch(server.url + '/items/3')
    expect(await res.json()).toMatchObject({ id: 3, title: 'Ship it' })
  })

  it('validates and reports errors through the same table', async () => {
    const bad = await fetch(server.url + '/items/abc')
    expect(bad.status).toBe(422)
    expect((await bad.json()).payload.errors[0].path).toBe('/id')
    expect((await fetch(server.url + '/items/42')).status).toBe(404)
  })

  it('merges params with a body parsed by express.json()', async () => {
    const res = await fetch(server.url + '/items/9', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Via Express' }),
    })
    expect(await res.json()).toEqual({ id: 9, title: 'Via Express', completed: false, tags: [] })
  })

  it('requires a session by default', async () => {
    expect((await fetch(server.url + '/whoami')).status).toBe(401)
    const res = await fetch(server.url + '/whoami', { headers: { 'x-user': 'grace' } })
    expect(await res.json()).toEqual({ userId: 'grace' })
  })
})

describe('pikkuExpress middleware next to other Express routes', () => {
  let server: Running
  beforeAll(async () => {
    const router = express()
    router.use(pikkuExpress(makeTodoApp()))
    router.post('/other', express.text(), (req, res) => {
      res.send(`other got: ${req.body}`)
    })
    router.get('/other', (_req, res) => {
      res.send('other GET')
    })
    server = await listen(createServer(router))
  })
  afterAll(() => server.close())

  it('leaves the body of a request it does not own for the next handler', async () => {
    const res = await fetch(server.url + '/other', { method: 'POST', body: 'payload', headers: { 'content-type': 'text/plain' } })
    expect(await res.text()).toBe('other got: payload')
  })

  it('passes GET requests it does not own to next()', async () => {
    expect(await (await fetch(server.url + '/other')).text()).toBe('other GET')
    expect((await fetch(server.url + '/todos/1')).status).toBe(200)
  })
})
