// Beyond the adapter contract suites (which run Bun and Deno servers too): channels, the
// scheduler, a graceful close (fixtures/runtime-features.mjs) and queue workers on BullMQ over
// Redis and PostgreSQL (fixtures/runtime-queues.mjs), tried under Bun and Deno from the npm
// registry, each runtime printing its version.
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { startPostgres } from './helpers/postgres.js'
import { startRedis } from './helpers/redis.js'

let redis: Awaited<ReturnType<typeof startRedis>>
let postgres: Awaited<ReturnType<typeof startPostgres>>
beforeAll(async () => {
  ;[redis, postgres] = await Promise.all([startRedis(), startPostgres()])
}, 120_000)
afterAll(async () => {
  await Promise.all([redis?.stop(), postgres?.stop()])
})

/** Runs a fixture under the runtime; resolves to its exit code, output and error output. */
function runFixture(binary: string, name: 'bun' | 'deno', fixture: string, env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const script = join(__dirname, 'fixtures', fixture)
  const args = name === 'deno' ? ['run', '--allow-ffi', '--allow-net', '--allow-read', '--allow-env', '--allow-sys', script] : [script]
  // Asynchronous: this process reads (and drops) the log of the Redis and PostgreSQL it
  // started; blocked in a synchronous spawn, their pipes would fill and stall them.
  const child = spawn(binary, args, { cwd: join(__dirname, '..'), env: { ...process.env, NO_COLOR: '1', ...env } })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000)
  return new Promise((resolve) => child.on('close', (status) => (clearTimeout(timer), resolve({ status, stdout, stderr }))))
}

describe.each(['bun', 'deno'] as const)('under %s', (name) => {
  it('serves channels (standalone and node:http), ticks the scheduler, and closes gracefully', async () => {
    const { runtime } = await import('../scripts/runtimes.mjs')
    const binary = runtime(name)
    const version = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.trim().split('\n')[0]
    console.log(`${name}: ${version}`)
    const run = await runFixture(binary, name, 'runtime-features.mjs')
    expect(run.status, run.stderr).toBe(0)
    const seen = JSON.parse(run.stdout.trim().split('\n').pop()!)
    const channel = [{ seq: 1, action: 'echo', data: { text: 'hi' } }, 'UnprocessableContentError']
    expect(seen).toMatchObject({ standaloneChannel: channel, nodeHttpChannel: channel, answeredAtClose: { slow: true } })
    expect(seen.ticks).toBeGreaterThanOrEqual(2)
  }, 120_000)

  it('runs queue workers on BullMQ over Redis and PostgreSQL, refusing invalid data at enqueue', async () => {
    const { runtime } = await import('../scripts/runtimes.mjs')
    const run = await runFixture(runtime(name), name, 'runtime-queues.mjs', { QUEUE_REDIS_URL: redis.url, QUEUE_POSTGRES_URL: postgres.url })
    expect(run.status, run.stderr).toBe(0)
    const expected = { ran: [1], refused: 'UnprocessableContentError' }
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toEqual({ redis: expected, postgres: expected })
  }, 120_000)
})
