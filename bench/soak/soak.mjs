// The soak: each server (node:http, standalone) in a process of its own under 10 minutes of
// mixed load — keep-alive requests that succeed, fail validation, miss a route or send broken
// JSON — plus clients that dribble their bodies a byte at a time and clients that pipeline
// large answers and never read them (the server's send timeout closes them after 60 s). The
// server's resident memory is sampled every 10 s.
//
//   node bench/soak/soak.mjs [--minutes=10] [--servers=node-http,standalone]
//
// Prints a table per server and a summary; bench/README.md keeps the figures of a run.
import { spawn } from 'node:child_process'
import { Agent, request } from 'node:http'
import { connect } from 'node:net'
import { createInterface } from 'node:readline'
import { parseArgs } from 'node:util'

import { BODY } from '../http/shared.mjs'

const { values: opts } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    servers: { type: 'string', default: 'node-http,standalone' },
    'sample-seconds': { type: 'string', default: '10' },
  },
})
const DURATION_MS = Number(opts.minutes) * 60_000
const SAMPLE_MS = Number(opts['sample-seconds']) * 1000
const KEEP_ALIVE_CLIENTS = 32
const DRIBBLERS = 8
const NON_READERS = 8

/** The mixed requests, in turn: [method, path, body, expected status]. */
const MIX = [
  ['GET', '/hello', undefined, 200],
  ['POST', '/todos/7', BODY, 200],
  ['POST', '/todos/7', '{"title":""}', 422],
  ['GET', '/missing', undefined, 404],
  ['POST', '/todos/7', '{"title":', 400],
]

/** The server of `kind` in a child process, and its memory on request. */
async function startServer(kind) {
  const script = new URL('./server.mjs', import.meta.url).pathname
  const child = spawn(process.execPath, [script, kind], { stdio: ['pipe', 'pipe', 'inherit'] })
  const lines = createInterface({ input: child.stdout })
  const waiting = []
  lines.on('line', (line) => waiting.shift()?.(line))
  const next = () => new Promise((resolve) => waiting.push(resolve))
  const port = Number((await next()).split(' ')[1])
  return {
    port,
    async memory() {
      child.stdin.write('rss\n')
      const [, rss, heap] = (await next()).split(' ').map(Number)
      return { rssMb: rss / 2 ** 20, heapMb: heap / 2 ** 20 }
    },
    stop: () => child.kill(),
  }
}

/** Keep-alive clients sending the mix until `until`; counts answers by status. */
async function keepAliveLoad(port, until, counts) {
  const agent = new Agent({ keepAlive: true, maxSockets: KEEP_ALIVE_CLIENTS })
  const one = (index) =>
    new Promise((resolve) => {
      const [method, path, body, expected] = MIX[index % MIX.length]
      const headers = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }
      const req = request({ host: '127.0.0.1', port, method, path, headers, agent }, (res) => {
        res.resume()
        res.on('end', () => {
          counts[res.statusCode === expected ? 'expected' : 'unexpected']++
          resolve()
        })
      })
      req.on('error', () => {
        counts.errors++
        resolve()
      })
      req.end(body)
    })
  await Promise.all(
    Array.from({ length: KEEP_ALIVE_CLIENTS }, async (_, client) => {
      for (let index = client; Date.now() < until; index += KEEP_ALIVE_CLIENTS) await one(index)
    }),
  )
  agent.destroy()
}

/** One request whose 20 KB JSON body goes a byte per millisecond; resolves when answered. */
function dribble(port, until) {
  const body = JSON.stringify({ text: 'a'.repeat(20_000 - 11) })
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.setNoDelay(true)
      socket.write(`POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`)
      let sent = 0
      const timer = setInterval(() => {
        if (socket.destroyed || Date.now() > until) return clearInterval(timer), socket.destroy()
        socket.write(body[sent++])
        if (sent === body.length) clearInterval(timer)
      }, 1)
    })
    socket.on('data', () => {})
    socket.on('error', () => {})
    socket.on('close', resolve)
  })
}

/**
 * A connection pipelining sixteen 1 MB answers (more than the kernel's buffers take) that it
 * never reads; resolves when the server closes it. A paused socket sees no FIN, so it sends a
 * further GET /hello every 15 s: the write fails once the server has closed the connection.
 */
function neverRead(port, until, counts) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('GET /large HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'.repeat(16)))
    socket.pause()
    const stop = setInterval(() => Date.now() > until && socket.destroy(), 1000)
    const probe = setInterval(() => socket.write('GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'), 15_000)
    socket.on('error', () => {})
    socket.on('close', () => {
      clearInterval(stop)
      clearInterval(probe)
      if (Date.now() < until) counts.closedByServer++
      resolve()
    })
  })
}

async function soak(kind) {
  const server = await startServer(kind)
  const started = Date.now()
  const until = started + DURATION_MS
  const counts = { expected: 0, unexpected: 0, errors: 0, closedByServer: 0 }
  const samples = [{ at: 0, ...(await server.memory()), answered: 0 }]
  const sampling = setInterval(async () => {
    samples.push({ at: Math.round((Date.now() - started) / 1000), ...(await server.memory()), answered: counts.expected + counts.unexpected })
    const last = samples.at(-1)
    console.error(`${kind} ${String(last.at).padStart(4)} s  rss ${last.rssMb.toFixed(1)} MB  heap ${last.heapMb.toFixed(1)} MB  answers ${last.answered}`)
  }, SAMPLE_MS)
  const loop = async (task) => {
    while (Date.now() < until) await task()
  }
  await Promise.all([
    keepAliveLoad(server.port, until, counts),
    ...Array.from({ length: DRIBBLERS }, () => loop(() => dribble(server.port, until))),
    ...Array.from({ length: NON_READERS }, () => loop(() => neverRead(server.port, until, counts))),
  ])
  clearInterval(sampling)
  samples.push({ at: Math.round((Date.now() - started) / 1000), ...(await server.memory()), answered: counts.expected + counts.unexpected })
  server.stop()
  return { kind, counts, samples }
}

function report({ kind, counts, samples }) {
  const rss = samples.map((s) => s.rssMb)
  const warm = samples.find((s) => s.at >= 60) ?? samples[0]
  const last = samples.at(-1)
  console.log(`\n### ${kind}, ${opts.minutes} min\n`)
  console.log(`| s | RSS MB | heap MB | answers |\n|---:|---:|---:|---:|`)
  for (const s of samples) console.log(`| ${s.at} | ${s.rssMb.toFixed(1)} | ${s.heapMb.toFixed(1)} | ${s.answered} |`)
  console.log(
    `\nRSS at start ${rss[0].toFixed(1)} MB, after 1 min ${warm.rssMb.toFixed(1)} MB, peak ${Math.max(...rss).toFixed(1)} MB, at the end ${last.rssMb.toFixed(1)} MB` +
      ` (end − 1 min: ${(last.rssMb - warm.rssMb).toFixed(1)} MB). Answers as expected ${counts.expected}, unexpected ${counts.unexpected},` +
      ` client errors ${counts.errors}; non-reading connections closed by the server ${counts.closedByServer}.`,
  )
}

for (const kind of opts.servers.split(',')) report(await soak(kind))
