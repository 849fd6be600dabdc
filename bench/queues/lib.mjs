// Helpers of the queue benchmark: a Redis server of its own, child processes that are always
// killed on the way out (even when the script fails), and the statistics.
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

const children = new Set()
const folders = new Set()

/** Kills what is still running and removes the temporary folders; runs on every exit. */
function cleanUp() {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  for (const dir of folders) rmSync(dir, { recursive: true, force: true })
}
process.on('exit', cleanUp)
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(130))

/** A port no one listens on now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address()
      probe.close(() => resolve(port))
    })
  })
}

/**
 * A child process whose stdout lines are read one at a time (`line()`), stderr passed through.
 * `exited` resolves with its exit code.
 */
export function start(command, args) {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'inherit'] })
  children.add(child)
  const exited = new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      children.delete(child)
      resolve(code ?? signal)
    })
  })
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]()
  /** The next line of stdout that `match` accepts (others are skipped); fails if the child ends first. */
  async function line(match = () => true) {
    for (;;) {
      const { value, done } = await lines.next()
      if (done) throw new Error(`${args.at(0)}: exited (${await exited}) before printing what was awaited`)
      if (match(value)) return value
    }
  }
  return { child, exited, line }
}

/** Starts `node <script> …args`; its last JSON line is its result. */
export async function runNode(script, args) {
  const proc = start(process.execPath, [script, ...args.map(String)])
  const out = await proc.line((text) => text.startsWith('{'))
  const code = await proc.exited
  if (code !== 0) throw new Error(`${script} exited with ${code}`)
  return JSON.parse(out)
}

/**
 * redis-server on a free loopback port, its data in a temporary folder, the append-only file
 * on and flushed every second (as production queues run it), no RDB snapshots.
 */
export async function startRedis() {
  const dir = mkdtempSync(join(tmpdir(), 'pikku-bench-redis-'))
  folders.add(dir)
  const port = await freePort()
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--daemonize', 'no']
  const proc = start('/usr/bin/redis-server', args)
  await Promise.race([
    proc.line((text) => text.includes('Ready to accept connections')),
    new Promise((_, reject) => setTimeout(() => reject(new Error('redis-server did not start within 10 s')), 10_000).unref()),
  ])
  proc.child.stdout.resume() // its later log is dropped
  return {
    url: `redis://127.0.0.1:${port}`,
    async stop() {
      proc.child.kill('SIGTERM')
      await proc.exited
      rmSync(dir, { recursive: true, force: true })
      folders.delete(dir)
    },
  }
}

export const median = (values) => quantile(values, 0.5)

/** The q-quantile of `values` (linear between the nearest ranks). */
export function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b)
  const at = (sorted.length - 1) * q
  const low = Math.floor(at)
  return sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (at - low)
}

/** Flags `--name=value` as numbers, with defaults. */
export function flags(defaults) {
  const given = Object.fromEntries(process.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=')))
  return Object.fromEntries(Object.entries(defaults).map(([key, value]) => [key, given[key] === undefined ? value : Number(given[key])]))
}
