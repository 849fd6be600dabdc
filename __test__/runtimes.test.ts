// Beyond the adapter contract suites (which run Bun and Deno servers too): channels, the
// scheduler and a graceful close, tried under Bun and Deno from the npm registry
// (fixtures/runtime-features.mjs), each runtime printing its version.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

describe.each(['bun', 'deno'] as const)('under %s', (name) => {
  it('serves channels (standalone and node:http), ticks the scheduler, and closes gracefully', async () => {
    const { runtime } = await import('../scripts/runtimes.mjs')
    const binary = runtime(name)
    const version = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.trim().split('\n')[0]
    console.log(`${name}: ${version}`)
    const script = join(__dirname, 'fixtures', 'runtime-features.mjs')
    const args = name === 'deno' ? ['run', '--allow-ffi', '--allow-net', '--allow-read', '--allow-env', script] : [script]
    const run = spawnSync(binary, args, { cwd: join(__dirname, '..'), encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } })
    expect(run.status, run.stderr).toBe(0)
    const seen = JSON.parse(run.stdout.trim().split('\n').pop()!)
    const channel = [{ seq: 1, action: 'echo', data: { text: 'hi' } }, 'UnprocessableContentError']
    expect(seen).toMatchObject({ standaloneChannel: channel, nodeHttpChannel: channel, answeredAtClose: { slow: true } })
    expect(seen.ticks).toBeGreaterThanOrEqual(2)
  }, 120_000)
})
