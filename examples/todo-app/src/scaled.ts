// `npm run start:scaled`: the example as three processes — two web processes and a worker —
// sharing one Redis: REDIS_URL, or else a redis-server started here with its data in a
// temporary folder. Each line a process prints comes out with its name. Ctrl-C stops them all.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

const ports = (process.env.WEB_PORTS ?? '3000,3001').split(',').map(Number)
const children: ChildProcess[] = []

/** Starts a process named `name`; resolves with it once it prints a line matching `ready`. */
function start(name: string, command: string, args: string[], env: NodeJS.ProcessEnv, ready: RegExp, detached = false): Promise<ChildProcess> {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached })
  children.push(child)
  return new Promise((resolve, reject) => {
    child.once('error', (error) => reject(new Error(`${name} could not start: ${error.message}`)))
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)))
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        console.log(`[${name}] ${line}`)
        if (ready.test(line)) resolve(child)
      })
    }
  })
}

/** A redis-server of our own on port 6390 (6379 may be a system one), or REDIS_URL's. */
async function redis(): Promise<{ url: string; stop(): void }> {
  if (process.env.REDIS_URL) return { url: process.env.REDIS_URL, stop() {} }
  const dir = mkdtempSync(join(tmpdir(), 'todo-app-redis-'))
  const port = Number(process.env.REDIS_PORT ?? 6390)
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--appendonly', 'yes', '--save', '']
  // Out of the terminal's process group, so that Ctrl-C reaches it only through stop().
  const child = await start('redis', 'redis-server', args, {}, /Ready to accept connections/, true).catch((error: Error) => {
    throw new Error(`${error.message}: install Redis (Debian: apt-get install redis-server), or set REDIS_URL`)
  })
  children.splice(children.indexOf(child), 1) // stopped last, by stop()
  const stop = () => {
    child.kill('SIGTERM')
    child.once('exit', () => rmSync(dir, { recursive: true, force: true }))
  }
  return { url: `redis://127.0.0.1:${port}`, stop }
}

async function main(): Promise<void> {
  const server = await redis()
  const env = { REDIS_URL: server.url }
  await Promise.all([
    ...ports.map((port) => start(`web:${port}`, process.execPath, [join(__dirname, 'web.js')], { ...env, PORT: String(port) }, /listening on/)),
    start('worker', process.execPath, [join(__dirname, 'worker.js')], env, /running queue/),
  ])
  const [a, b] = ports.map((port) => `http://127.0.0.1:${port}`)
  console.log(`
Two web processes and a worker share ${server.url}. Try:
  curl -X POST ${a}/todos -H 'content-type: application/json' -d '{"title":"Scale out"}'
  curl ${b}/todos                 # the todo made on the other web process
WebSocket ${b?.replace('http', 'ws')}/ws/todos: send {"action":"watch"}; todos created over
${a?.replace('http', 'ws')}/ws/todos ({"action":"create","title":"…"}) arrive.
The worker prints "todo <id> announced by process <pid>" for each todo created.
`)
  const stop = async () => {
    const running = children.filter((child) => child.exitCode === null && child.signalCode === null)
    await Promise.all(running.map((child) => new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM'))))
    server.stop() // Redis last, once the others let go of it
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((error: Error) => {
  console.error(error.message)
  for (const child of children) child.kill('SIGKILL')
  process.exit(1)
})
