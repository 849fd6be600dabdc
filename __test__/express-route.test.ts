// The per-route Express handler: Express routes, Pikku validates and runs.
import express from 'express'
import { createServer } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { InvalidSessionError } from '@pikku/native'
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

describe('pikkuExpress with body parsers and a session hook', () => {
  let server: Running
  beforeAll(async () => {
    const app = makeTodoApp({
      enrichSession: (_session: unknown, { headers }: { headers: { get(name: string): string | undefined } }) => {
        if (headers.get('authorization')) throw new InvalidSessionError('bad token')
        return undefined
      },
    })
    const router = express()
    router.use(express.urlencoded({ extended: true }))
    router.use(express.json())
    router.use(pikkuExpress(app))
    router.get('/health', (_req, res) => {
      res.send('ok')
    })
    server = await listen(createServer(router))
  })
  afterAll(() => server.close())

  it('does not run the session hook for paths it does not own', async () => {
    const res = await fetch(server.url + '/health', { headers: { authorization: 'Bearer x' } })
    expect(await res.text()).toBe('ok')
    expect((await fetch(server.url + '/todos/1', { headers: { authorization: 'Bearer x' } })).status).toBe(401)
  })

  it('re-reads a form parsed by express.urlencoded({ extended: true }) as a form, coerced by the schema', async () => {
    const res = await fetch(server.url + '/todos', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'title=Form&completed=true&tags[]=a&tags[]=b',
    })
    expect(await res.json()).toEqual({ id: 4, title: 'Form', completed: true, tags: ['a', 'b'] })
  })

  it('answers a body it cannot re-encode with 400 through the error table', async () => {
    const deep = '['.repeat(20_000) + ']'.repeat(20_000)
    const res = await fetch(server.url + '/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: deep })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ name: 'BadRequestError' })
  })
})
