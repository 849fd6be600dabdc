// The channel benchmark: echo messages through a WebSocket channel, round trips per second,
// for a bare `ws` server (the ceiling of JavaScript WebSockets), our channel behind node:http
// (`attachChannels`) and on the standalone server. Each server pinned to CPU 0, the load (a
// Node process of `ws` clients) to CPU 1; the servers take turns (A B C, then B C A, …), each
// repetition in a fresh process, and the ratios are taken within a repetition.
//
//   node bench/channels/run.mjs [--reps=5] [--clients=50] [--inflight=8] [--seconds=5] [--warmup=2]
import { execFileSync } from 'node:child_process'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'

import { pinning, startServer, stopServer } from '../http/lib/servers.mjs'
import { median } from '../http/lib/stats.mjs'

const KINDS = [
  { kind: 'ws', label: 'bare `ws` on node:http (ceiling)' },
  { kind: 'ours-node', label: 'ours: `attachChannels` on node:http' },
  { kind: 'ours-standalone', label: 'ours: standalone server (Rust speaks WebSocket)' },
]

const opts = Object.fromEntries(
  process.argv.slice(2).map((arg) => {
    const [key, value] = arg.replace(/^--/, '').split('=')
    return [key, Number(value)]
  }),
)
const reps = opts.reps ?? 5
const clients = opts.clients ?? 50
const inflight = opts.inflight ?? 8
const seconds = opts.seconds ?? 5
const warmup = opts.warmup ?? 2

// Pinning: servers on CPU 0, the load generator (and this script) on CPU 1.
const { serverPin, loadPin } = pinning()
if (loadavg()[0] >= 0.5) console.error(`warning: load average ${loadavg()[0].toFixed(2)} (≥ 0.5): the machine is not quiet, numbers will be noisy`)

const script = fileURLToPath(new URL('server.mjs', import.meta.url))
const loadScript = fileURLToPath(new URL('load.mjs', import.meta.url))

/** One repetition of one server: its round trips per second. */
async function measure(kind) {
  const server = await startServer(kind, { pin: serverPin, script, args: [kind] })
  try {
    const [command, ...args] = [...loadPin, process.execPath, loadScript, ...[server.port, clients, inflight, warmup, seconds].map(String)]
    const out = execFileSync(command, args, { encoding: 'utf8', timeout: (warmup + seconds + 60) * 1000 })
    const result = JSON.parse(out.trim().split('\n').pop())
    if (result.wrong > 0) throw new Error(`${kind}: ${result.wrong} of ${result.replies} replies were not the echo`)
    return result.rate
  } finally {
    await stopServer(server)
  }
}

const rates = new Map(KINDS.map(({ kind }) => [kind, []]))
for (let rep = 0; rep < reps; rep++) {
  const order = KINDS.map((_, i) => KINDS[(i + rep) % KINDS.length])
  for (const { kind } of order) {
    const rate = await measure(kind)
    rates.get(kind).push(rate)
    console.error(`rep ${rep + 1}/${reps} ${kind}: ${Math.round(rate)} msg/s`)
  }
}

const perRep = (top, bottom) => rates.get(top).map((rate, i) => rate / rates.get(bottom)[i])
const ratioCell = (top, bottom) => {
  const ratios = perRep(top, bottom)
  return `${median(ratios).toFixed(2)}× (${ratios.map((x) => x.toFixed(2)).join(', ')})`
}
const lines = [
  `Channel echo round trips: ${clients} clients × ${inflight} messages in flight, ${warmup} s warm-up + ${seconds} s, ${reps} interleaved repetitions; ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}; server on CPU ${serverPin.length ? '0' : '(unpinned)'}, load on CPU ${loadPin.length ? '1' : '(unpinned)'}.`,
  '',
  '| server | median msg/s | each repetition | ÷ ceiling (per repetition) |',
  '|---|---:|---|---|',
  ...KINDS.map(({ kind, label }) => `| ${label} | ${Math.round(median(rates.get(kind)))} | ${rates.get(kind).map(Math.round).join(', ')} | ${kind === 'ws' ? '' : ratioCell(kind, 'ws')} |`),
  '',
  `Standalone ÷ node:http: ${ratioCell('ours-standalone', 'ours-node')}.`,
]
console.log(lines.join('\n'))
