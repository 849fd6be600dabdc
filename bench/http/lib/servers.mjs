// Starting and stopping one server process, pinned with taskset, and reading its memory.
import { execFileSync, spawn } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The servers, in the order they run (each is servers/<name>.mjs). */
export const SERVERS = [
  { name: 'raw', label: 'raw node:http (ceiling)' },
  { name: 'fastify', label: 'Fastify' },
  { name: 'hono', label: 'Hono (@hono/node-server)' },
  { name: 'express', label: 'Express + ajv' },
  { name: 'reference', label: 'reference @pikku/core (node:http)' },
  { name: 'ours-node', label: 'ours: node:http adapter', ours: true },
  { name: 'ours-express', label: 'ours: Express adapter', ours: true },
  { name: 'ours-fastify', label: 'ours: Fastify plugin', ours: true },
  { name: 'ours-fetch', label: 'ours: Fetch adapter (node:http bridge)', ours: true },
  { name: 'ours-standalone', label: 'ours: standalone server (Rust owns the socket)', ours: true },
]

/**
 * Moves this process (and what it runs) to CPU 1 and returns the `taskset` prefixes that pin
 * servers to CPU 0 and load generators to CPU 1; both empty, with a warning, without taskset or
 * a second CPU.
 */
export function pinning() {
  try {
    execFileSync('taskset', ['-a', '-pc', '1', String(process.pid)], { stdio: 'ignore' })
    return { serverPin: ['taskset', '-c', '0'], loadPin: ['taskset', '-c', '1'] }
  } catch {
    console.error('warning: taskset or a second CPU is missing; nothing is pinned')
    return { serverPin: [], loadPin: [] }
  }
}

/** The server processes started and not yet gone. */
const started = new Set()

/** Kills (SIGKILL) every server process still running: for the runner's exit. Synchronous. */
export function killServers() {
  for (const child of started) child.kill('SIGKILL')
}

/**
 * Spawns servers/<name>.mjs (or `script` with `args`) through `pin` (e.g. ['taskset', '-c',
 * '0']) with `runtime` (the command that runs a script: this Node unless given, e.g.
 * `[deno, 'run', '--allow-all']`) and resolves once it printed its port: `{ child, port, pid,
 * startedAt }` (startedAt: performance.now() at spawn).
 */
export function startServer(name, { pin = [], env = {}, runtime = [process.execPath], script = fileURLToPath(new URL(`../servers/${name}.mjs`, import.meta.url)), args: scriptArgs = [] } = {}) {
  const startedAt = performance.now()
  const [command, ...args] = [...pin, ...runtime, script, ...scriptArgs]
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NODE_ENV: 'production', ...env } })
  started.add(child)
  child.once('exit', () => started.delete(child))
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  return new Promise((resolve, reject) => {
    let out = ''
    let settled = false
    const settle = (error) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      const match = /port (\d+)\n/.exec(out)
      if (!error && match) return resolve({ child, port: Number(match[1]), pid: child.pid, startedAt })
      child.kill('SIGKILL')
      reject(new Error(`${error?.message ?? 'no port'}${stderr ? `\n${stderr}` : ''}`))
    }
    const timer = setTimeout(() => settle(new Error(`${name} printed no port in 30 s`)), 30_000)
    child.stdout.on('data', (d) => {
      out += d
      if (/port \d+\n/.test(out)) settle()
    })
    child.on('exit', (code) => settle(new Error(`${name} exited (${code}) before listening`)))
    child.on('error', settle)
  })
}

/** SIGTERM, then SIGKILL after 5 s; resolves when the process is gone. */
export function stopServer({ child }) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    child.kill('SIGTERM')
  })
}

/** The peak resident set (VmHWM) in MB, or null where /proc cannot tell. */
export function peakRssMb(pid) {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
    return kb === undefined ? null : Number(kb) / 1024
  } catch {
    return null
  }
}

/** Resets the peak to the current resident set (Linux: `5 > /proc/<pid>/clear_refs`); false where not allowed. */
export function resetPeakRss(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
    return true
  } catch {
    return false
  }
}
