// The queue benchmark, on a Redis server of its own:
// 1. jobs per second end to end, our queues on BullMQ (ours.mjs) against a bare BullMQ Queue
//    and Worker (bare.mjs), each run a fresh process on its own prefix, in alternating pairs;
// 2. the latency of a channel broadcast from one process to another over Redis pub/sub
//    (broadcast-server.mjs ×2, broadcast-peer.mjs), and of a bare ioredis PUBLISH → SUBSCRIBE.
// Prints a markdown table of the results and the machine.
//
//   node bench/queues/run.mjs [--runs=5] [--jobs=20000] [--concurrency=16] [--batch=100]
//                             [--publishes=2000] [--warmup=200] [--interval=2]
import { execFileSync } from 'node:child_process'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'

import Redis from 'ioredis'

import { flags, median, quantile, runNode, start, startRedis } from './lib.mjs'

const opts = flags({ runs: 5, jobs: 20_000, concurrency: 16, batch: 100, publishes: 2000, warmup: 200, interval: 2 })
const here = (file) => fileURLToPath(new URL(file, import.meta.url))
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const loadNow = () => loadavg().map((x) => x.toFixed(2)).join(', ')
const loadBefore = loadNow()

const redis = await startRedis()
const admin = new Redis(redis.url)
const servers = []

/** An empty Redis with a fresh append-only file, so that every run starts alike. */
async function resetRedis() {
  await admin.flushall()
  await admin.bgrewriteaof()
  while (/aof_rewrite_(in_progress|scheduled):1/.test(await admin.info('persistence'))) await sleep(20)
}

/** CPU seconds redis-server has used so far. */
async function redisCpu() {
  const info = await admin.info('cpu')
  return Number(info.match(/used_cpu_user:([\d.]+)/)[1]) + Number(info.match(/used_cpu_sys:([\d.]+)/)[1])
}

/**
 * Per side: jobs per second, the worker process's CPU µs per job, and Redis's (over the whole
 * run, start-up included), in pairs whose order alternates (ours first, then bare first, …).
 */
async function queueRuns() {
  const runs = { ours: [], bare: [] }
  for (let pair = 0; pair < opts.runs; pair++) {
    for (const side of pair % 2 ? ['bare', 'ours'] : ['ours', 'bare']) {
      await resetRedis()
      const before = await redisCpu()
      const { rate, cpuPerJob } = await runNode(here(`${side}.mjs`), [redis.url, `bench-${side}-${pair}`, opts.jobs, opts.concurrency, opts.batch])
      const redisPerJob = ((await redisCpu()) - before) * 1e6 / opts.jobs
      runs[side].push({ rate, cpuPerJob, redisPerJob })
      console.error(`pair ${pair + 1}/${opts.runs} ${side}: ${Math.round(rate)} jobs/s, ${cpuPerJob.toFixed(1)} µs CPU/job, Redis ${redisPerJob.toFixed(1)} µs/job`)
    }
  }
  return runs
}

/** One subscriber and one publisher (`kind`: ws or redis): the delivered count and latencies. */
async function broadcastRun(kind, subUrl, pubUrl) {
  await resetRedis()
  const peer = here('broadcast-peer.mjs')
  const sub = start(process.execPath, [peer, `${kind}-sub`, subUrl, opts.publishes])
  await sub.line((text) => text === 'ready')
  await runNode(peer, [`${kind}-pub`, pubUrl, opts.publishes, opts.warmup, opts.interval])
  // The subscriber reports once all arrived; one that lacks some is told to report after 5 s.
  await Promise.race([sub.exited, sleep(5000)])
  sub.child.stdin.end()
  const result = JSON.parse(await sub.line((text) => text.startsWith('{')))
  await sub.exited
  return result
}

/** Starts an instance of the broadcast app; its WebSocket URL. */
async function broadcastServer() {
  const server = start(process.execPath, [here('broadcast-server.mjs'), redis.url])
  servers.push(server)
  const port = (await server.line((text) => text.startsWith('port '))).split(' ')[1]
  return `ws://127.0.0.1:${port}/ws/rooms`
}

let rates, ours, bare, redisVersion
try {
  redisVersion = (await admin.info('server')).match(/redis_version:(\S+)/)[1]
  rates = await queueRuns()
  const [a, b] = [await broadcastServer(), await broadcastServer()]
  ours = await broadcastRun('ws', b, a) // published on A, delivered on B
  console.error(`broadcast ours: ${ours.count}/${opts.publishes} delivered`)
  bare = await broadcastRun('redis', redis.url, redis.url)
  console.error(`broadcast bare: ${bare.count}/${opts.publishes} delivered`)
} finally {
  for (const server of servers) {
    server.child.kill('SIGTERM')
    await Promise.race([server.exited, sleep(5000)])
  }
  admin.disconnect()
  await redis.stop()
}

// The tables.
const of = (side, key) => rates[side].map((run) => run[key])
const ratios = of('ours', 'rate').map((rate, i) => rate / of('bare', 'rate')[i])
const fmt = (x, digits = 2) => x.toFixed(digits)
const jobsRow = (side) =>
  `| ${side === 'ours' ? 'ours: `queues.enqueue` + `addQueueWorker` on `BullMQBackend`' : 'bare BullMQ: `Queue.add` + `Worker`'} | ${Math.round(median(of(side, 'rate')))} | ${of(side, 'rate').map(Math.round).join(', ')} | ${fmt(median(of(side, 'cpuPerJob')), 1)} | ${fmt(median(of(side, 'redisPerJob')), 1)} |`
const latencyRow = (label, { count, latencies }) =>
  `| ${label} | ${count} / ${opts.publishes} | ${[0.5, 0.9, 0.99, 1].map((q) => (count ? fmt(quantile(latencies, q)) : '–')).join(' | ')} |`
const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', cwd: here('.') }).trim()
console.log(
  [
    `Queues and cross-process broadcasts, ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}, commit ${commit}: Node ${process.version}, redis-server ${redisVersion} (appendonly yes, appendfsync everysec), ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}; load average ${loadBefore} before, ${loadNow()} after.`,
    '',
    `**Jobs per second**, end to end: ${opts.jobs} jobs \`{ n, text: 'hello' }\` enqueued in batches of ${opts.batch} concurrent adds and run in the same process, concurrency ${opts.concurrency}; ${opts.runs} pairs, alternating which side goes first.`,
    '',
    '| side | median jobs/s | each run | worker process CPU µs/job | redis-server CPU µs/job |',
    '|---|---:|---|---:|---:|',
    jobsRow('ours'),
    jobsRow('bare'),
    '',
    `ours ÷ bare: **${fmt(median(ratios))}×** median of the pairs (${fmt(Math.min(...ratios))}–${fmt(Math.max(...ratios))}; goal ≥ 0.90). CPU columns: medians; the worker process's user + system time (all its threads) from the first enqueue to the last job, and redis-server's over the whole run.`,
    '',
    `**Broadcast latency** across processes over Redis pub/sub: ${opts.warmup} warm-up then ${opts.publishes} measured publishes, one every ${opts.interval} ms; arrival − send time, ms.`,
    '',
    '| path | delivered | p50 | p90 | p99 | max |',
    '|---|---:|---:|---:|---:|---:|',
    latencyRow('ours: ws client → server A → Redis → server B → ws client', ours),
    latencyRow('bare ioredis: `PUBLISH` → `SUBSCRIBE` (same message)', bare),
  ].join('\n'),
)
if (ours.count !== opts.publishes || bare.count !== opts.publishes) process.exitCode = 1
