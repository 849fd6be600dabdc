// A Redis server of the test's own: Debian's redis-server (installed by scripts/test.mjs) on a
// free loopback port, its data in a temporary folder, the append-only file on (as production
// queues run it), stopped and removed afterwards. Nothing assumes a system service.
import { type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { freePort, launchServer, stopped } from './processes.js'

export interface RedisServer {
  readonly port: number
  /** `redis://127.0.0.1:<port>` */
  readonly url: string
  /** Stops the server (its data stays) and, `downMs` later, starts it again on the same port. */
  restart(downMs?: number): Promise<void>
  /** Stops the server and removes its folder. */
  stop(): Promise<void>
}

/** Starts redis-server and resolves once it accepts connections. */
function launch(port: number, dir: string): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '', '--daemonize', 'no']
  return launchServer({ name: 'redis-server', command: '/usr/bin/redis-server', args, stream: 'stdout', ready: 'Ready to accept connections', timeoutMs: 10_000 })
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
      await stopped(child, 'SIGTERM')
      await new Promise((resolve) => setTimeout(resolve, downMs))
      child = await launch(port, dir)
    },
    async stop() {
      await stopped(child, 'SIGTERM')
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
