// The load generator: wrk from Debian's packages (installed with apt-get when missing), or
// autocannon from npm when wrk cannot be had. Each run gives req/s, p50/p99 latency in ms and
// the count of non-2xx answers and socket errors.
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const has = (command) => {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

/** 'wrk', or 'autocannon' when wrk is missing and apt-get could not install it. */
export function ensureLoadGenerator({ forceAutocannon = false } = {}) {
  if (forceAutocannon) return 'autocannon'
  if (has('wrk')) return 'wrk'
  console.error('wrk is missing: installing it from Debian\'s packages (apt-get install wrk)…')
  try {
    const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n']
    const run = (args) => execFileSync(sudo[0] ?? args[0], [...sudo.slice(1), ...(sudo.length ? args : args.slice(1))], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
    run(['apt-get', 'update', '-qq'])
    run(['apt-get', 'install', '-y', '-qq', 'wrk'])
  } catch (error) {
    console.error(`apt-get could not install wrk (${error.message}); falling back to autocannon from npm`)
  }
  return has('wrk') ? 'wrk' : 'autocannon'
}

export function loadGeneratorVersion(tool) {
  if (tool === 'wrk') {
    try {
      return execFileSync('wrk', ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).split(' Copyright')[0].trim()
    } catch (error) {
      // wrk -v exits 1 after printing its version.
      return String(error.stdout ?? '').split(' Copyright')[0].trim() || 'wrk'
    }
  }
  return 'autocannon (npm, fallback)'
}

const luaDir = mkdtempSync(join(tmpdir(), 'pikku-bench-'))
/** The scripts written so far, by file. */
const written = new Set()
/** The load's wrk script, written once: two loads of one route run at once in the paired
 * runs, and a rewrite while the other wrk reads the file would hand it half a script. */
function luaScript(load) {
  const file = join(luaDir, `${load.method}-${load.path.replaceAll('/', '_')}.lua`)
  if (written.has(file)) return file
  const lines = [`wrk.method = ${JSON.stringify(load.method)}`]
  for (const [name, value] of Object.entries(load.headers)) lines.push(`wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`)
  if (load.body !== undefined) lines.push(`wrk.body = ${JSON.stringify(load.body)}`)
  writeFileSync(file, `${lines.join('\n')}\n`)
  written.add(file)
  return file
}

function run(command, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (err += d))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited ${code}: ${err || out}`))))
  })
}

const MS = { us: 1e-3, ms: 1, s: 1000, m: 60000 }
const ms = (text) => {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text)
  if (!match) throw new Error(`wrk printed a latency this script cannot read: ${JSON.stringify(text)}`)
  return Number(match[1]) * MS[match[2]]
}

/** One load run against 127.0.0.1:port; `pin` is the taskset prefix (or []). */
export async function runLoad(tool, { port, load, seconds, connections, pin }) {
  const url = `http://127.0.0.1:${port}${load.path}`
  if (tool === 'wrk') {
    const out = await run(pin[0] ?? 'wrk', [...pin.slice(1), ...(pin.length ? ['wrk'] : []), '-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', luaScript(load), url])
    if (!/Requests\/sec:/.test(out) || !/99%/.test(out)) throw new Error(`wrk printed no result:\n${out}`)
    const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
    return {
      rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)[1]),
      // Lines of the latency distribution only: the thread stats also end in percentages (`75.50%`).
      p50: ms(/^\s+50%\s+(\S+)/m.exec(out)[1]),
      p99: ms(/^\s+99%\s+(\S+)/m.exec(out)[1]),
      non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
      errors: socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
    }
  }
  const args = ['--yes', 'autocannon@8', '-j', '-c', String(connections), '-d', String(seconds), '-m', load.method]
  for (const [name, value] of Object.entries(load.headers)) args.push('-H', `${name}=${value}`)
  if (load.body !== undefined) args.push('-b', load.body)
  const result = JSON.parse(await run(pin[0] ?? 'npx', [...pin.slice(1), ...(pin.length ? ['npx'] : []), ...args, url]))
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, errors: result.errors + result.timeouts }
}
