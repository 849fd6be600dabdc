// The Next.js example (next-example/) as the Next suite runs it: its dependencies installed
// or refreshed, `next build` once, and `next start` on a free port, each command in its own
// process group so that stopping it stops all it started.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import path from 'node:path'

const exampleDir = path.resolve(__dirname, '..', '..', 'next-example')
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }

/** Processes started here that may still run (each leads its own process group). */
const started = new Set<ChildProcess>()

/** Runs a command to completion in next-example/, failing with its output. */
function run(command: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: exampleDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    started.add(child)
    let output = ''
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk))
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk))
    const timer = setTimeout(() => {
      killGroup(child, 'SIGKILL')
      reject(new Error(`\`${command} ${args.join(' ')}\` timed out after ${timeoutMs} ms\n${output}`))
    }, timeoutMs)
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      started.delete(child)
      if (code === 0) resolve()
      else reject(new Error(`\`${command} ${args.join(' ')}\` failed (${signal ?? code})\n${output}`))
    })
  })
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // the group is gone already
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  killGroup(child, 'SIGTERM')
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
  started.delete(child)
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/** Starts `next start` in its own process group and waits until it answers. */
async function startNext(port: number): Promise<{ child: ChildProcess; logs: () => string }> {
  const nextBin = path.join(exampleDir, 'node_modules', 'next', 'dist', 'bin', 'next')
  const child = spawn(process.execPath, [nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: exampleDir,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  started.add(child)
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk))
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`next start exited early\n${output}`)
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/todos`)
      await res.arrayBuffer()
      if (res.status === 200) return { child, logs: () => output }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`next start did not answer within 60 s\n${output}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/** The example once started: its URL and what its server printed. */
export interface NextExample {
  base: string
  logs: () => string
}

/** Installs (or refreshes) the example's dependencies, builds it, and starts `next start`. */
export async function buildAndStart(): Promise<NextExample & { server: ChildProcess }> {
  if (!existsSync(path.join(exampleDir, 'node_modules'))) {
    const lock = existsSync(path.join(exampleDir, 'package-lock.json'))
    await run('npm', [lock ? 'ci' : 'install', '--no-audit', '--no-fund'], 240_000)
  } else {
    // `@pikku/native` and `@pikku/native-cli` are installed as copies of the repository's
    // packages (install-links), so they are refreshed here to test the current builds.
    for (const name of ['@pikku/native', '@pikku/native-cli', '.bin/pikku']) rmSync(path.join(exampleDir, 'node_modules', name), { recursive: true, force: true })
    await run('npm', ['install', '--no-save', '--no-audit', '--no-fund'], 120_000)
  }
  const t0 = Date.now()
  await run('npm', ['run', 'build'], 300_000) // `pikku` (schemas from the types), then `next build`
  console.log(`next build took ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  const port = await freePort()
  const running = await startNext(port)
  return { server: running.child, logs: running.logs, base: `http://127.0.0.1:${port}` }
}

/** Stops every process started here, and the server. */
export async function stopAll(server: ChildProcess | undefined): Promise<void> {
  for (const child of [...started]) await stop(child)
  if (server) await stop(server)
}

export interface Todo {
  id: number
  title: string
  completed: boolean
}
