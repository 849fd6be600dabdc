// A PostgreSQL server of the test's own: Debian's postgresql binaries (installed by
// scripts/test.mjs), a cluster made by initdb in a temporary folder, on a free loopback port,
// stopped and removed afterwards. PostgreSQL refuses to run as root: as root, the cluster
// belongs to the `postgres` user the package creates, and the server runs as that user.
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process'
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

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

/** Starts the server on `data` and resolves once it accepts connections. */
function launch(bin: string, data: string, socketDir: string, port: number, user: ReturnType<typeof serverUser>): Promise<ChildProcess> {
  const args = ['-D', data, '-p', String(port), '-k', socketDir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off']
  const child = spawn(join(bin, 'postgres'), args, { stdio: ['ignore', 'ignore', 'pipe'], ...user })
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => fail(new Error(`postgres did not start within 20 s:\n${output}`)), 20_000)
    const fail = (error: Error) => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(error)
    }
    child.once('exit', (code) => fail(new Error(`postgres exited with ${code}:\n${output}`)))
    const onOutput = (chunk: Buffer) => {
      output += chunk
      if (!output.includes('database system is ready to accept connections')) return
      clearTimeout(timer)
      child.removeAllListeners('exit')
      child.stderr!.off('data', onOutput).resume() // its later log is read and dropped
      resolve(child)
    }
    child.stderr!.on('data', onOutput)
  })
}

function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGINT') // PostgreSQL's fast shutdown
  })
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
      await stopped(child)
      await new Promise((resolve) => setTimeout(resolve, downMs))
      child = await launch(bin, data, dir, port, user)
    },
    async stop() {
      await stopped(child)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
