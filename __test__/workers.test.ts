// The addon in worker threads: loaded by one worker after another (each ending before the
// next starts), and by the main thread in between. With mimalloc 3.3 as the allocator the
// second worker's load crashed the process (SIGSEGV), so each round runs in a child process.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

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
