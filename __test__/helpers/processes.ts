// What the test helpers that start servers share: a free loopback port, and a server process
// started and awaited until it says it is ready.
import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import type { Readable } from 'node:stream'

/** A loopback port no one listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

/** How a server process is started and known to be ready. */
export interface ServerLaunch {
  /** For messages: `redis-server`, `postgres`. */
  name: string
  command: string
  args: string[]
  /** The stream it says it is ready on. */
  stream: 'stdout' | 'stderr'
  /** What it prints once ready. */
  ready: string
  timeoutMs: number
  /** A user to run as (PostgreSQL refuses root). */
  user?: { uid: number; gid: number }
}

/** Starts the process and resolves once it printed `ready`; kills it and rejects otherwise. */
export function launchServer({ name, command, args, stream, ready, timeoutMs, user }: ServerLaunch): Promise<ChildProcess> {
  const stdio = stream === 'stdout' ? (['ignore', 'pipe', 'inherit'] as const) : (['ignore', 'ignore', 'pipe'] as const)
  const child = spawn(command, args, { stdio: [...stdio], ...user })
  const output = child[stream] as Readable
  return new Promise((resolve, reject) => {
    let printed = ''
    const timer = setTimeout(() => fail(new Error(`${name} did not start within ${timeoutMs / 1000} s:\n${printed}`)), timeoutMs)
    const fail = (error: Error) => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(error)
    }
    child.once('error', (error) => fail(new Error(`${name} could not run (${error.message}); install Debian's package`)))
    child.once('exit', (code) => fail(new Error(`${name} exited with ${code}:\n${printed}`)))
    const onOutput = (chunk: Buffer) => {
      printed += chunk
      if (!printed.includes(ready)) return
      clearTimeout(timer)
      child.removeAllListeners('exit')
      output.off('data', onOutput).resume() // its later log is read and dropped
      resolve(child)
    }
    output.on('data', onOutput)
  })
}

/** Stops the process with `signal` (its own graceful stop); resolves once it is gone. */
export function stopped(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill(signal)
  })
}
