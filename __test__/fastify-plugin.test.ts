// The Fastify plugin's two paths: ahead of Fastify's lifecycle when nothing of Fastify's would
// run for the app's routes, inside it (the onRequest stage) when a hook applies to them or
// request logging is on. The contract suite runs both (kinds `fastify`, `fastify-lifecycle`);
// this shows which path a setup takes and that Fastify's own parts keep working.
import { Writable } from 'node:stream'

import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import { afterEach, describe, expect, it } from 'vitest'

import { pikkuFastify } from '@pikku/native/fastify'

import { makeTodoApp } from './fixtures/todo-app.js'

const servers: FastifyInstance[] = []
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close()
})

/** A Fastify server with the plugin and a route of its own; `setup` runs before listen. */
async function start(setup: (server: FastifyInstance) => void = () => {}, options: FastifyServerOptions = {}) {
  const server = Fastify(options)
  servers.push(server)
  setup(server)
  server.get('/own', async () => ({ own: true }))
  await server.listen({ port: 0, host: '127.0.0.1' })
  const { port } = server.server.address() as { port: number }
  const base = `http://127.0.0.1:${port}`
  // The plugin's fast path replaces the server's request listener; Fastify's own is named.
  const ahead = server.server.listeners('request').every((listener) => listener.name === '')
  return { server, base, ahead }
}

const stamp = (name: string) =>
  function stampHeader(_request: unknown, reply: { raw: { setHeader(n: string, v: string): void } }, next: () => void) {
    reply.raw.setHeader(name, '1')
    next()
  }

describe('pikkuFastify', () => {
  it('answers ahead of the lifecycle when no hook applies, and Fastify keeps its own routes, 404 and inject', async () => {
    const { server, base, ahead } = await start((s) => void s.register(pikkuFastify(makeTodoApp())))
    expect(ahead).toBe(true)
    const todo = await fetch(`${base}/todos/1`)
    expect(todo.status).toBe(200)
    expect(await todo.json()).toMatchObject({ id: 1 })
    expect((await fetch(`${base}/todos/one`)).status).toBe(422)
    expect(await (await fetch(`${base}/own`)).json()).toEqual({ own: true })
    expect((await fetch(`${base}/nowhere`)).status).toBe(404)
    // inject does not go through the server: the lifecycle path answers the same.
    const injected = await server.inject({ method: 'GET', url: '/todos/1' })
    expect(injected.statusCode).toBe(200)
    expect(injected.json()).toEqual(await (await fetch(`${base}/todos/1`)).json())
  })

  it.each([
    ['registered before the plugin', (s: FastifyInstance) => void s.addHook('onRequest', stamp('x-hook')).register(pikkuFastify(makeTodoApp()))],
    ['registered after the plugin', (s: FastifyInstance) => void s.register(pikkuFastify(makeTodoApp())).after(() => s.addHook('onRequest', stamp('x-hook')))],
  ])('runs the app inside the lifecycle when a hook applies to its routes (%s), and the hook runs', async (_when, setup) => {
    const { base, ahead } = await start(setup)
    expect(ahead).toBe(false)
    const todo = await fetch(`${base}/todos/1`)
    expect(todo.status).toBe(200)
    expect(todo.headers.get('x-hook')).toBe('1')
  })

  it('stays ahead when a hook applies only to routes of another plugin', async () => {
    const { base, ahead } = await start((s) => {
      s.register(async (child) => {
        child.addHook('onRequest', stamp('x-child'))
        child.get('/child', async () => ({ child: true }))
      })
      s.register(pikkuFastify(makeTodoApp()))
    })
    expect(ahead).toBe(true)
    expect((await fetch(`${base}/child`)).headers.get('x-child')).toBe('1')
    expect((await fetch(`${base}/todos/1`)).headers.get('x-child')).toBeNull()
  })

  it('runs the app inside the lifecycle when request logging is on, and Fastify logs its requests', async () => {
    const lines: string[] = []
    const stream = new Writable({ write: (chunk, _encoding, done) => (lines.push(String(chunk)), done()) })
    const { base, ahead } = await start((s) => void s.register(pikkuFastify(makeTodoApp())), { logger: { level: 'info', stream } })
    expect(ahead).toBe(false)
    expect((await fetch(`${base}/todos/1`)).status).toBe(200)
    expect(lines.some((line) => line.includes('incoming request') && line.includes('/todos/1'))).toBe(true)
  })
})
