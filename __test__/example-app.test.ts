// The example app that `npm start` serves, started as a process and asked like the README's
// curl lines do.
import { spawn, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'

import { freePort } from './helpers/processes.js'

const root = join(__dirname, '..')

describe('examples/todo-app (npm start)', () => {
  let child: ChildProcess
  let url: string
  let printed = ''

  beforeAll(async () => {
    const port = await freePort()
    url = `http://127.0.0.1:${port}`
    child = spawn(process.execPath, [join(root, 'examples/todo-app/dist/server.js')], {
      env: { ...process.env, PORT: String(port), NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`example exited with ${code}; run \`npx tsc -p examples/todo-app/tsconfig.json\` first`)))
      child.stdout!.on('data', (chunk: Buffer) => {
        printed += chunk.toString()
        if (/Scheduled: .*\n/.test(printed)) resolve() // the last line printed
      })
    })
  })
  afterAll(() => {
    child?.kill('SIGTERM')
  })

  it('lists, filters and gets todos', async () => {
    expect(await (await fetch(`${url}/todos`)).json()).toHaveLength(2)
    expect(await (await fetch(`${url}/todos?completed=false&limit=1`)).json()).toEqual([{ id: 1, title: 'Read the README', completed: false }])
    expect((await fetch(`${url}/todos/99`)).status).toBe(404)
  })

  it('creates with validation', async () => {
    const post = (body: unknown) => fetch(`${url}/todos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    expect(await (await post({ title: 'Try Pikku' })).json()).toMatchObject({ id: 3, title: 'Try Pikku' })
    const invalid = await post({ title: '' })
    expect(invalid.status).toBe(422)
    // Constraints written as JSDoc on the types, turned into the schema by `pikku`:
    const tooLong = await post({ title: 'x'.repeat(201) })
    expect(tooLong.status).toBe(422)
    expect((await tooLong.json()).payload.errors[0]).toMatchObject({ path: '/title' })
    const overLimit = await fetch(`${url}/todos?limit=101`)
    expect(overLimit.status).toBe(422)
    expect((await overLimit.json()).payload.errors[0]).toMatchObject({ path: '/limit' })
  })

  it('creates over the WebSocket channel and tells the connections that watch', async () => {
    const open = async () => {
      const ws = new WebSocket(url.replace('http', 'ws') + '/ws/todos')
      const received: unknown[] = []
      ws.on('message', (data) => received.push(JSON.parse(String(data))))
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
      return { ws, received }
    }
    const until = async (check: () => boolean) => {
      for (const deadline = Date.now() + 3000; !check(); ) {
        if (Date.now() > deadline) throw new Error('timed out')
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }
    const watcher = await open()
    watcher.ws.send(JSON.stringify({ action: 'watch' }))
    await until(() => watcher.received.length === 1)
    expect(watcher.received).toEqual([{ seq: 1, action: 'watch', data: { watching: true } }])
    const writer = await open()
    writer.ws.send(JSON.stringify({ action: 'create', title: 'Over the socket' }))
    writer.ws.send(JSON.stringify({ action: 'create', title: '' }))
    await until(() => writer.received.length === 2 && watcher.received.length === 2)
    expect(writer.received[0]).toMatchObject({ action: 'create', data: { title: 'Over the socket' } })
    expect(writer.received[1]).toMatchObject({ action: 'create', error: { name: 'UnprocessableContentError' } })
    expect(watcher.received[1]).toMatchObject({ created: { title: 'Over the socket' } })
    watcher.ws.close()
    writer.ws.close()
  })

  it('starts its scheduled task, which removes completed todos when it runs', async () => {
    expect(printed).toMatch(/Scheduled: tidy-todos \(0 \*\/10 \* \* \* \*\), next at \d{4}-\d\d-\d\dT\d\d:\d0:00\.000Z/)
    // The same app in this process: run the task now instead of waiting ten minutes.
    const load = createRequire(__filename)
    const { buildApp, memoryParts } = load('../examples/todo-app/dist/app.js') as {
      memoryParts: () => { queues: import('@pikku/native').Queues }
      buildApp: (parts: { queues: import('@pikku/native').Queues }) => import('@pikku/native').PikkuApp
    }
    const { createScheduler } = await import('@pikku/native')
    const { createTodo, listTodos } = load('../examples/todo-app/dist/functions.js') as Record<string, import('@pikku/native').AnyAPIFunction>
    const parts = memoryParts()
    const app = buildApp(parts)
    await parts.queues.start(app)
    await app.call(createTodo!, { title: 'Done already', completed: true }, { auth: false })
    const scheduler = createScheduler(app)
    expect(await scheduler.runNow('tidy-todos')).toMatchObject({ status: 'completed' })
    const left = (await app.call(listTodos!, {}, { auth: false })) as { title: string }[]
    expect(left.map((t) => t.title)).toEqual(['Read the README', 'Wire a function to a route'])
    await scheduler.stop()
    await parts.queues.stop()
  })

  it('deletes only with the API key', async () => {
    expect((await fetch(`${url}/todos/1`, { method: 'DELETE' })).status).toBe(401)
    expect((await fetch(`${url}/todos/1`, { method: 'DELETE', headers: { 'x-api-key': 'demo-key-0123456780' } })).status).toBe(401)
    expect((await fetch(`${url}/todos/1`, { method: 'DELETE', headers: { 'x-api-key': 'demo-key-0123456789' } })).status).toBe(204)
    expect((await fetch(`${url}/todos/1`)).status).toBe(404)
  })
})
