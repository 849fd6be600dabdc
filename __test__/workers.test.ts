// The addon in worker threads: loaded by one worker after another (each ending before the
// next starts), and by the main thread in between. With mimalloc 3.3 as the allocator (until
// 2026-12-06) the second worker's load crashed the process (SIGSEGV), so each round runs in a
// child process.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'

import { describe, expect, it } from 'vitest'

// The sources, as the app's internal port is: one module instance for both.
import { portOf } from '../lib/app/port.js'
import { createApp, pikkuSessionlessFunc } from '../lib/index.js'

const workerApp = join(__dirname, 'fixtures', 'worker-app.mjs')

/** Runs `script` (an ES module) in a child Node process; its stdout lines and exit. */
function runChild(script: string) {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: join(__dirname, '..'), encoding: 'utf8', timeout: 60_000 })
  return { status: child.status, signal: child.signal, lines: child.stdout.trim().split('\n'), stderr: child.stderr }
}

const inWorker = `
import { Worker } from 'node:worker_threads'
export function runWorker() {
  return new Promise((resolve, reject) => {
    // Not the parent's --input-type, which a worker cannot take.
    const worker = new Worker(${JSON.stringify(workerApp)}, { execArgv: [] })
    let result
    worker.on('message', (message) => (result = message))
    worker.on('error', reject)
    worker.on('exit', (code) => (code === 0 ? resolve(result) : reject(new Error('worker exited with ' + code))))
  })
}
`

describe('the addon in worker threads', () => {
  it('loads in one worker after another, each answering through the engine', () => {
    const { status, signal, lines, stderr } = runChild(`${inWorker}
for (let i = 0; i < 4; i++) console.log(JSON.stringify(await runWorker()))`)
    expect({ status, signal, stderr }).toEqual({ status: 0, signal: null, stderr: '' })
    expect(lines).toEqual(Array(4).fill(JSON.stringify({ ok: 200, doubled: 42, bad: 422 })))
  })

  it('loads in workers before and after the main thread loads it, and in two at once', () => {
    const { status, signal, lines, stderr } = runChild(`${inWorker}
console.log(JSON.stringify(await runWorker()))
await import('@pikku/native')
console.log(JSON.stringify(await runWorker()))
console.log(JSON.stringify(await Promise.all([runWorker(), runWorker()])))`)
    expect({ status, signal, stderr }).toEqual({ status: 0, signal: null, stderr: '' })
    const one = { ok: 200, doubled: 42, bad: 422 }
    expect(lines).toEqual([JSON.stringify(one), JSON.stringify(one), JSON.stringify([one, one])])
  })
})

describe('a worker terminated while its standalone server and scheduler run', () => {
  const workerServer = join(__dirname, 'fixtures', 'worker-server.mjs')
  it.each([1, 2])('closes the port, resets the request in flight and ends every thread (threads: %i)', (threads) => {
    const { status, signal, lines, stderr } = runChild(`
import { Worker } from 'node:worker_threads'
import { readdirSync, readFileSync } from 'node:fs'
import { connect } from 'node:net'
const ours = () => readdirSync('/proc/self/task').map((t) => readFileSync('/proc/self/task/' + t + '/comm', 'utf8').trim()).filter((n) => n.startsWith('pikku')).length
const worker = new Worker(${JSON.stringify(workerServer)}, { execArgv: [], workerData: { threads: ${threads} } })
const port = await new Promise((resolve) => worker.once('message', resolve))
// A new thread names itself once it runs: wait for the server's to have.
let running = ours()
for (let i = 0; i < 50 && running === 0; i++) {
  await new Promise((resolve) => setTimeout(resolve, 20))
  running = ours()
}
// A request the function never answers, in flight when the worker ends.
const inFlight = new Promise((resolve) => {
  const socket = connect(port, '127.0.0.1', () => socket.write('GET /never HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n'))
  socket.on('error', () => resolve('reset'))
  socket.on('close', () => resolve('closed'))
})
await new Promise((resolve) => setTimeout(resolve, 200))
await worker.terminate()
const ended = await Promise.race([inFlight, new Promise((resolve) => setTimeout(() => resolve('still open'), 3000))])
const refused = await new Promise((resolve) => {
  const socket = connect(port, '127.0.0.1', () => { socket.destroy(); resolve('accepted') })
  socket.on('error', (error) => resolve(error.code))
})
await new Promise((resolve) => setTimeout(resolve, 1500)) // a scheduler tick that must not come
console.log(JSON.stringify({ running: running > 0, ended, refused, left: ours() }))
`)
    expect({ status, signal, stderr }).toEqual({ status: 0, signal: null, stderr: '' })
    expect(JSON.parse(lines.at(-1)!)).toEqual({ running: true, ended: expect.stringMatching(/^(reset|closed)$/), refused: 'ECONNREFUSED', left: 0 })
  })
})

describe('a body in shared memory', () => {
  it('is copied before the engine reads it, so a writer on another thread cannot slip past validation', async () => {
    const double = pikkuSessionlessFunc<{ n: number }, { doubled: unknown }>({
      name: 'sharedDouble',
      input: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] },
      func: async (_services, { n }) => ({ doubled: typeof n === 'number' ? n * 2 : n }),
    })
    const { http } = portOf(createApp({ routes: [{ method: 'post', route: '/double', func: double, auth: false }] }))
    // Two bodies of one length, one valid and one not; a worker writes them in turn.
    const valid = Buffer.from('{"n": 12}')
    const invalid = Buffer.from('{"n":"1"}')
    const shared = new SharedArrayBuffer(valid.length)
    const flag = new Int32Array(new SharedArrayBuffer(4))
    const writer = new Worker(
      `const { workerData } = require('node:worker_threads')
       const body = new Uint8Array(workerData.shared, 0, workerData.a.length)
       const flag = new Int32Array(workerData.flag)
       while (Atomics.load(flag, 0) === 0) { body.set(workerData.a); body.set(workerData.b) }`,
      { eval: true, workerData: { shared, flag: flag.buffer, a: valid, b: invalid } },
    )
    await new Promise((resolve) => setTimeout(resolve, 50)) // the writer is running
    const body = Buffer.from(shared, 0, valid.length)
    const request = { method: 'POST', url: '/double', headers: { get: (name: string) => (name === 'content-type' ? 'application/json' : undefined) } }
    const seen = new Map<string, number>()
    try {
      for (let i = 0; i < 20_000; i++) {
        const answer = await http.answer(request, body)
        const key = answer.status === 200 ? `200 ${answer.body}` : String(answer.status)
        seen.set(key, (seen.get(key) ?? 0) + 1)
      }
    } finally {
      Atomics.store(flag, 0, 1)
      await writer.terminate()
    }
    // Every 200 doubled a number: none took the string the writer put in after validation.
    for (const key of seen.keys()) expect(key === '422' || key === '400' || key === '200 {"doubled":24}', key).toBe(true)
    expect(seen.get('200 {"doubled":24}')).toBeGreaterThan(0)
  }, 60_000)
})
