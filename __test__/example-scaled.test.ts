// The example app scaled out as `npm run start:scaled` runs it (examples/todo-app/dist/scaled.js):
// two web processes and a worker process on a Redis of the test's own. A todo made through one
// web process is read through the other, a socket on one hears what is created on the other,
// the worker announces each todo once, and a stop ends every process.
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { Client } from './helpers/channels.js'
import { freePort } from './helpers/processes.js'
import { startRedis, type RedisServer } from './helpers/redis.js'

describe('examples/todo-app scaled out (npm run start:scaled)', () => {
  let redis: RedisServer
  let launcher: ChildProcess
  const lines: string[] = []
  let first: string
  let second: string

  beforeAll(async () => {
    redis = await startRedis()
    const ports = [await freePort(), await freePort()]
    ;[first, second] = ports.map((port) => `http://127.0.0.1:${port}`) as [string, string]
    launcher = spawn(process.execPath, [join(__dirname, '..', 'examples/todo-app/dist/scaled.js')], {
      env: { ...process.env, REDIS_URL: redis.url, WEB_PORTS: ports.join(','), NODE_ENV: 'production' },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    await new Promise<void>((resolve, reject) => {
      launcher.once('exit', (code) => reject(new Error(`the launcher exited with ${code}:\n${lines.join('\n')}`)))
      createInterface({ input: launcher.stdout! }).on('line', (line) => {
        lines.push(line)
        if (line.startsWith('The worker prints')) resolve() // the last line of its instructions
      })
    })
  }, 30_000)
  afterAll(async () => {
    launcher?.kill('SIGKILL')
    await redis?.stop()
  })

  const post = (url: string, body: unknown) => fetch(`${url}/todos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const announced = () => lines.filter((line) => line.startsWith('[worker] todo '))

  it('shares the todos between the web processes, and runs each job once in the worker', async () => {
    const made = (await (await post(first, { title: 'Scale out' })).json()) as { id: number }
    expect(await (await fetch(`${second}/todos/${made.id}`)).json()).toEqual({ id: made.id, title: 'Scale out', completed: false })
    expect((await post(second, { title: '' })).status).toBe(422) // refused at enqueue's door too: no job
    await expect.poll(() => announced().length, { timeout: 10_000 }).toBe(1)
    await new Promise((resolve) => setTimeout(resolve, 500)) // time for a second run to show
    expect(announced()).toEqual([expect.stringMatching(new RegExp(`^\\[worker\\] todo ${made.id} announced by process \\d+: Scale out$`))])
  })

  it('tells a socket on one web process what is created on the other', async () => {
    const watcher = await Client.open(`${second.replace('http', 'ws')}/ws/todos`)
    const writer = await Client.open(`${first.replace('http', 'ws')}/ws/todos`)
    await watcher.ask({ action: 'watch' })
    const start = watcher.received.length
    // The web process's broker subscribes as it starts: by now it has.
    await writer.ask({ action: 'create', title: 'Over two processes' })
    expect(await watcher.next(start)).toEqual([{ created: expect.objectContaining({ title: 'Over two processes' }) }])
    watcher.ws.close()
    writer.ws.close()
  })

  it('stops every process it started', async () => {
    const pids = lines.flatMap((line) => /^\[(?:web:\d+|worker)\] (?:web|worker) process (\d+)/.exec(line)?.[1] ?? []).map(Number)
    expect(pids).toHaveLength(3)
    const exited = new Promise((resolve) => launcher.once('exit', resolve))
    launcher.kill('SIGTERM')
    await exited
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0)
        return true
      } catch {
        return false
      }
    }
    await expect.poll(() => pids.filter(alive), { timeout: 10_000 }).toEqual([])
  })
})
