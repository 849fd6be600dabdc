// A Redis server of the test's own: Debian's redis-server (installed by scripts/test.mjs) on a
// free loopback port, its data in a temporary folder, the append-only file on (as production
// queues run it), stopped and removed afterwards. Nothing assumes a system service.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface RedisServer {
  readonly port: number
  /** `redis://127.0.0.1:<port>` */
  readonly url: string
  /** Stops the server (its data stays) and, `downMs` later, starts it again on the same port. */
  restart(downMs?: number): Promise<void>
  /** Stops the server and removes its folder. */
  stop(): Promise<void>
}

/** A port no one listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

/** Starts redis-server and resolves once it accepts connections. */
function launch(port: number, dir: string): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--daemonize', 'no']
  const child = spawn('/usr/bin/redis-server', args, { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => fail(new Error(`redis-server did not start within 10 s:\n${output}`)), 10_000)
    const fail = (error: Error) => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(error)
    }
    child.once('error', (error) => fail(new Error(`redis-server could not run (${error.message}); install Debian's redis-server`)))
    child.once('exit', (code) => fail(new Error(`redis-server exited with ${code}:\n${output}`)))
    const onOutput = (chunk: Buffer) => {
      output += chunk
      if (!output.includes('Ready to accept connections')) return
      clearTimeout(timer)
      child.removeAllListeners('exit')
      child.stdout!.off('data', onOutput).resume() // its later log is read and dropped
      resolve(child)
    }
    child.stdout!.on('data', onOutput)
  })
}

function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

/** Starts a Redis server of its own for a test suite. */
export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'pikku-redis-'))
  const port = await freePort()
  let child = await launch(port, dir)
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async restart(downMs = 0) {
      await stopped(child)
      await new Promise((resolve) => setTimeout(resolve, downMs))
      child = await launch(port, dir)
    },
    async stop() {
      await stopped(child)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
