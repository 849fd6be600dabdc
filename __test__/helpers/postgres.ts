// A PostgreSQL server of the test's own: Debian's postgresql binaries (installed by
// scripts/test.mjs), a cluster made by initdb in a temporary folder, on a free loopback port,
// stopped and removed afterwards. PostgreSQL refuses to run as root: as root, the cluster
// belongs to the `postgres` user the package creates, and the server runs as that user.
import { type ChildProcess, execFileSync, spawnSync } from 'node:child_process'
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { freePort, launchServer, stopped } from './processes.js'

export interface PostgresServer {
  readonly port: number
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  readonly url: string
  /** Stops the server (its data stays) and, `downMs` later, starts it again on the same port. */
  restart(downMs?: number): Promise<void>
  /** Stops the server and removes its cluster. */
  stop(): Promise<void>
}

/** The newest installed PostgreSQL's binaries. */
function binaries(): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))
  if (versions.length === 0) throw new Error("no PostgreSQL under /usr/lib/postgresql; install Debian's postgresql")
  return join('/usr/lib/postgresql', versions[0]!, 'bin')
}

/** The user the server runs as: `postgres` when this runs as root, else this process's. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString())
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString())
  return { uid, gid }
}

/** Starts the server on `data` and resolves once it accepts connections. */
function launch(bin: string, data: string, socketDir: string, port: number, user: ReturnType<typeof serverUser>): Promise<ChildProcess> {
  const args = ['-D', data, '-p', String(port), '-k', socketDir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off']
  const ready = 'database system is ready to accept connections'
  return launchServer({ name: 'postgres', command: join(bin, 'postgres'), args, stream: 'stderr', ready, timeoutMs: 20_000, ...(user ? { user } : {}) })
}

/** Starts a PostgreSQL server of its own for a test suite. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = binaries()
  const user = serverUser()
  const dir = mkdtempSync(join(tmpdir(), 'pikku-postgres-'))
  if (user) chownSync(dir, user.uid, user.gid)
  const data = join(dir, 'data')
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], { ...user, encoding: 'utf8' })
  if (init.status !== 0) throw new Error(`initdb failed (${init.status ?? init.error?.message}):\n${init.stderr}`)
  const port = await freePort()
  let child = await launch(bin, data, dir, port, user)
  return {
    port,
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async restart(downMs = 0) {
      await stopped(child, 'SIGINT')
      await new Promise((resolve) => setTimeout(resolve, downMs))
      child = await launch(bin, data, dir, port, user)
    },
    async stop() {
      await stopped(child, 'SIGINT')
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
