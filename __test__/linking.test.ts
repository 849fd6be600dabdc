// The start-up rule, end to end: every form a function is written in is validated through
// every wiring form (a matrix over a project the real `pikku` command generated), and a
// function whose schema the app cannot find refuses to start, whatever wired it.
import { spawnSync } from 'node:child_process'
import { createServer } from 'node:http'
import { join } from 'node:path'

import express from 'express'
import { beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'

import {
  addQueueWorker,
  attachChannels,
  createApp,
  createQueues,
  PikkuStartupError,
  pikkuSessionlessFunc,
  UnprocessableContentError,
  type AnyAPIFunction,
  type PikkuApp,
} from '@pikku/native'
import { pikkuExpressRoute } from '@pikku/native/express'
import { pikkuNext } from '@pikku/native/next'
import { createRequestListener } from '@pikku/native/node-http'

import { listen, type Running } from './helpers/servers.js'

const project = join(__dirname, 'fixtures/linking')

type Forms = typeof import('./fixtures/linking/src/wirings.js')['forms']
let forms: Forms
let queues: typeof import('./fixtures/linking/src/wirings.js')['queues']
let app: PikkuApp

beforeAll(async () => {
  const generated = spawnSync(process.execPath, [join(__dirname, '../packages/cli/bin/pikku.js')], { cwd: project, encoding: 'utf8' })
  expect(generated.status, generated.stderr).toBe(0)
  const wirings = await import('./fixtures/linking/src/wirings.js')
  forms = wirings.forms
  queues = wirings.queues
  app = (await import('./fixtures/linking/src/app.js')).makeLinkedApp()
})

const FORMS = ['annotated', 'called', 'configured', 'renamed', 'reexported', 'defaulted'] as const

describe.each(FORMS)('a function written as `%s`', (form) => {
  it('is validated as an HTTP route (addRoute)', async () => {
    const server = await listen(createServer(createRequestListener(app)))
    try {
      const ok = await fetch(`${server.url}/${form}/7`)
      expect(await ok.json()).toEqual({ id: 7, form: 'number' })
      const bad = await fetch(`${server.url}/${form}/abc`)
      expect(bad.status).toBe(422)
    } finally {
      await server.close()
    }
  })

  it('is validated as a per-route Express handler', async () => {
    const router = express()
    router.get('/notes/:id', pikkuExpressRoute(app, forms[form], { auth: false }))
    const server = await listen(createServer(router))
    try {
      expect(await (await fetch(`${server.url}/notes/7`)).json()).toEqual({ id: 7, form: 'number' })
      expect((await fetch(`${server.url}/notes/abc`)).status).toBe(422)
    } finally {
      await server.close()
    }
  })

  it('is validated as a Next.js file route', async () => {
    const handler = pikkuNext(app).route(forms[form], { auth: false })
    const ok = await handler(new Request('http://x/api/notes/7'), { params: Promise.resolve({ id: '7' }) })
    expect(await ok.json()).toEqual({ id: 7, form: 'number' })
    const bad = await handler(new Request('http://x/api/notes/abc'), { params: Promise.resolve({ id: 'abc' }) })
    expect(bad.status).toBe(422)
  })

  it('is validated by app.call', async () => {
    const func = forms[form] as AnyAPIFunction
    expect(await app.call(func, { id: 7 }, { auth: false })).toEqual({ id: 7, form: 'number' })
    await expect(app.call(func, { id: 'abc' }, { auth: false })).rejects.toBeInstanceOf(UnprocessableContentError)
  })

  it('is validated as a channel handler', async () => {
    const http = createServer(createRequestListener(app))
    const channels = attachChannels(app, http)
    const server = await listen(http)
    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/ws/notes`)
    try {
      await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
      const replies: Array<Record<string, unknown>> = []
      const two = new Promise<void>((resolve) =>
        socket.on('message', (data) => {
          replies.push(JSON.parse(String(data)))
          if (replies.length === 2) resolve()
        }),
      )
      socket.send(JSON.stringify({ action: form, id: 7 }))
      socket.send(JSON.stringify({ action: form, id: 'abc' }))
      await two
      expect(replies[0]).toEqual({ seq: 1, action: form, data: { id: 7, form: 'number' } })
      expect(replies[1]).toMatchObject({ seq: 2, action: form, error: { name: 'UnprocessableContentError' } })
    } finally {
      socket.close()
      await channels.close()
      await server.close()
    }
  })

  it('is validated as a queue worker, when the job is enqueued', async () => {
    const running = createQueues({ workers: [queues[form]] })
    await running.start(app)
    try {
      await expect(running.enqueue(queues[form], { id: 7 })).resolves.toEqual(expect.any(String))
      await expect(running.enqueue(queues[form], { id: 'abc' } as never)).rejects.toBeInstanceOf(UnprocessableContentError)
    } finally {
      await running.stop()
    }
  })
})

describe('a function the app cannot find a schema for', () => {
  // Not exported, so neither the generated links nor a recorded wiring know it.
  const hidden = pikkuSessionlessFunc<{ id: number }, number>(async (_services, { id }) => id)

  function refusal(start: () => unknown): PikkuStartupError {
    let thrown: unknown
    try {
      start()
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(PikkuStartupError)
    const error = thrown as PikkuStartupError
    expect(error.code).toBe('PIKKU_ERR_SCHEMA_MISSING')
    return error
  }

  it('refuses to start as a route, naming the route and the fix', () => {
    const error = refusal(() => createApp({ routes: [{ method: 'get', route: '/hidden/:id', func: hidden, auth: false }] }))
    expect(error.problems[0]).toMatchObject({ subject: 'route `GET /hidden/:id` (function `anonymous`)' })
    expect(error.message).toContain('run `npx pikku`')
  })

  it('refuses to start as a per-route Express handler, a Next.js file route and an app.call target', () => {
    expect(refusal(() => pikkuExpressRoute(app, hidden, { auth: false })).message).toMatch(/pikkuExpressRoute handler.*the generated links \(`pikku-functions\.gen\.ts`\) do not include it/s)
    expect(refusal(() => pikkuNext(app).route(hidden, { auth: false })).message).toMatch(/Next\.js file route/)
    expect(refusal(() => app.prepare(hidden, { auth: false })).message).toMatch(/function `anonymous function`/)
    return expect(app.call(hidden, { id: 1 }, { auth: false })).rejects.toBeInstanceOf(PikkuStartupError)
  })

  it('refuses to start as a channel handler', () => {
    const error = refusal(() => createApp({ routes: [], channels: [{ name: 'hidden', route: '/ws/hidden', auth: false, onMessageWiring: { action: { go: hidden } } }] }))
    expect(error.problems[0]!.subject).toBe('channel `hidden`, handler for `go`')
  })

  it('refuses to start as a queue worker', async () => {
    const worker = addQueueWorker({ queue: 'hidden', func: hidden })
    const error = (await createQueues({ workers: [worker] }).start(app).catch((e: unknown) => e)) as PikkuStartupError
    expect(error).toBeInstanceOf(PikkuStartupError)
    expect(error.problems.map((p) => [p.code, p.subject])).toEqual([['PIKKU_ERR_SCHEMA_MISSING', 'queue `hidden` (function `anonymous function`)']])
  })

  it('runs, unvalidated, only when it says so with `unvalidatedInput: true`', async () => {
    const trusting = pikkuSessionlessFunc<{ id: number }, unknown>({ unvalidatedInput: true, func: async (_services, data) => data })
    const open = createApp({ routes: [{ method: 'get', route: '/trusting/:id', func: trusting, auth: false }], channels: [] })
    const server: Running = await listen(createServer(createRequestListener(open)))
    try {
      expect(await (await fetch(`${server.url}/trusting/abc`)).json()).toEqual({ id: 'abc' })
    } finally {
      await server.close()
    }
  })
})

describe('the metadata file', () => {
  it('is a start-up error with the fix when it is missing', () => {
    let thrown: unknown
    try {
      createApp({ metadata: join(project, 'nowhere/pikku-meta.gen.json') })
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(PikkuStartupError)
    const error = thrown as PikkuStartupError
    expect(error.code).toBe('PIKKU_ERR_METADATA')
    expect(error.message).toMatch(/there is no such file[\s\S]*= help: run `npx pikku` in the project folder/)
  })
})

