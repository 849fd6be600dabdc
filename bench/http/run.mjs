#!/usr/bin/env node
// The end-to-end HTTP benchmark (bench/README.md, "HTTP: ours against peers"):
//   node bench/http/run.mjs [--reps=3] [--duration=6] [--warmup=3] [--connections=50]
//                           [--servers=raw,fastify,…] [--routes=hello,todo,secure]
//                           [--cold-reps=5] [--no-cold | --cold-only] [--no-write] [--autocannon]
//                           [--max-steal=5] [--tries=4] [--pair-processes=6]
//                           [--max-pair-processes=20] [--pairs=5] [--pair-duration=2]
// Each server is pinned to CPU 0 and wrk to CPU 1; the servers run one at a time, interleaved
// (A B C … A B C …); then the paired runs of each target's two servers, loaded at once
// (lib/paired.mjs);
// the tables go to stdout and, unless --no-write, to bench/RESULTS.md.
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { constants, cpus, loadavg, release, totalmem } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

import { targetsChart, targetsFromResults } from './lib/chart.mjs'
import { LOADS, checkAnswers } from './lib/check.mjs'
import { COLD_SERVERS, EXTRA, coldStart, packageSize } from './lib/cold.mjs'
import { ensureLoadGenerator, loadGeneratorVersion, runLoad } from './lib/load.mjs'
import { fail, fractionOption, wholeOption } from './lib/options.mjs'
import { pairPlan, pairedRuns } from './lib/paired.mjs'
import { SERVERS, killServers, peakRssMb, pinning, resetPeakRss, startServer, stopServer } from './lib/servers.mjs'
import { median } from './lib/stats.mjs'
import { withLittleSteal } from './lib/steal.mjs'
import { CONTROL, THROUGHPUT, settled, targetLines } from './lib/targets.mjs'

const { values: opts } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    duration: { type: 'string', default: '6' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    servers: { type: 'string', default: SERVERS.map((s) => s.name).join(',') },
    routes: { type: 'string', default: Object.keys(LOADS).join(',') },
    'cold-reps': { type: 'string', default: '5' },
    'max-steal': { type: 'string', default: '5' },
    tries: { type: 'string', default: '4' },
    'pair-processes': { type: 'string', default: '6' },
    'max-pair-processes': { type: 'string', default: '20' },
    pairs: { type: 'string', default: '5' },
    'pair-duration': { type: 'string', default: '2' },
    'no-cold': { type: 'boolean', default: false },
    'cold-only': { type: 'boolean', default: false },
    'no-write': { type: 'boolean', default: false },
    autocannon: { type: 'boolean', default: false },
  },
})
const whole = (name, min, why) => wholeOption(opts, name, min, why)
const reps = whole('reps', 0, ' (0: the paired runs alone)')
const seconds = whole('duration', 1)
const warmup = whole('warmup', 0)
const connections = whole('connections', 1)
const tries = whole('tries', 1)
const coldReps = whole('cold-reps', 1)
const pairProcesses = whole('pair-processes', 1)
const maxPairProcesses = whole('max-pair-processes', pairProcesses, ' (at least --pair-processes)')
const pairs = whole('pairs', 0, ' (0: no paired runs)')
const pairSeconds = whole('pair-duration', 1)
const maxSteal = fractionOption(opts, 'max-steal')
const measuresThroughput = !opts['cold-only'] && (reps > 0 || pairs > 0)
if (!measuresThroughput && opts['no-cold']) fail('nothing to measure: --reps=0 and --pairs=0 (or --cold-only) with --no-cold')
const servers = opts.servers.split(',').map((name) => SERVERS.find((s) => s.name === name) ?? fail(`unknown server ${name}`))
const routes = opts.routes.split(',').map((name) => (LOADS[name] ? name : fail(`unknown route ${name}`)))
const root = fileURLToPath(new URL('../..', import.meta.url))
const resultsFile = fileURLToPath(new URL('../RESULTS.md', import.meta.url))
const command = ['node bench/http/run.mjs', ...process.argv.slice(2)].join(' ')

if (!existsSync(`${root}/dist/index.js`)) fail(`build the package first (in ${root}): npx napi build --platform --release && npx tsc -p tsconfig.build.json`)
if (!existsSync(fileURLToPath(new URL('node_modules/fastify', import.meta.url)))) fail('install the peers first: (cd bench/http && npm ci)')

// Pinning: servers on CPU 0, the load generator (and this script) on CPU 1.
const { serverPin, loadPin } = pinning()
const load1 = loadavg()[0]
if (load1 >= 0.5) console.error(`warning: load average ${load1.toFixed(2)} (≥ 0.5): the machine is not quiet, numbers will be noisy`)
const tool = opts['cold-only'] ? 'wrk' : ensureLoadGenerator({ forceAutocannon: opts.autocannon })

// Throughput: every server, every route, `reps` times, interleaved (A B C … A B C …). One
// server runs at a time: each repetition starts it afresh, warms each route up, measures it.
const runs = new Map() // `${server}|${route}` -> [{ rps, p50, p99, rssMb, steal, attempts, non2xx, errors }]
const broken = new Map() // server -> problems
// The servers this script started are killed if it dies.
process.once('exit', killServers)
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => process.exit(128 + constants.signals[signal]))
if (!opts['cold-only']) {
  for (let rep = 1; rep <= reps; rep++) {
    for (const server of servers) {
      if (broken.has(server.name)) continue
      const running = await startServer(server.name, { pin: serverPin }).catch((error) => error)
      if (running instanceof Error) {
        broken.set(server.name, [running.message])
        console.error(`${server.name}: ${running.message}`)
        continue
      }
      try {
        const problems = await checkAnswers(running.port)
        if (problems.length) {
          broken.set(server.name, problems)
          console.error(`${server.name} answers wrongly, not measured:\n  ${problems.join('\n  ')}`)
          continue
        }
        for (const route of routes) {
          const load = LOADS[route]
          // A run the hypervisor took more than `maxSteal` of either CPU from is done again.
          const { value: result, steal, attempts } = await withLittleSteal(() => runLoad(tool, { port: running.port, load, seconds, connections, pin: loadPin }), {
            maxSteal,
            tries,
            prepare: async () => {
              if (warmup > 0) await runLoad(tool, { port: running.port, load, seconds: warmup, connections, pin: loadPin })
              resetPeakRss(running.pid)
            },
            onStolen: (stolen, last) => console.error(`rep ${rep}/${reps}  ${server.name.padEnd(15)} ${load.label}: ${(stolen * 100).toFixed(0)}% of a CPU stolen by the hypervisor${last ? `, kept after ${tries} tries` : ', run again'}`),
          })
          Object.assign(result, { steal, attempts, rssMb: peakRssMb(running.pid) })
          const key = `${server.name}|${route}`
          runs.set(key, [...(runs.get(key) ?? []), result])
          console.error(`rep ${rep}/${reps}  ${server.name.padEnd(15)} ${load.label.padEnd(48)} ${result.rps.toFixed(0).padStart(6)} req/s  p50 ${result.p50.toFixed(2)} ms  p99 ${result.p99.toFixed(2)} ms  rss ${result.rssMb?.toFixed(0)} MB${result.non2xx || result.errors ? `  (${result.non2xx} non-2xx, ${result.errors} socket errors)` : ''}`)
        }
      } finally {
        await stopServer(running)
      }
    }
  }
}

// Paired runs: for each target, its two servers side by side, short runs in turn.
const paired = new Map() // `${top}|${bottom}|${route}` -> { rounds, again, stolen, bad, error }
if (!opts['cold-only'] && pairs > 0) {
  const chosen = new Set(servers.map((s) => s.name))
  const comparisons = [...THROUGHPUT, ...CONTROL].filter(([, top, bottom, route]) => chosen.has(top) && chosen.has(bottom) && routes.includes(route))
  for (const { top, bottom, routes: pairRoutes } of pairPlan(comparisons.map(([, top, bottom, route]) => [top, bottom, route]))) {
    // Rounds are added, up to the most, while a target is open (lib/targets.mjs, STOP_LEVEL).
    const results = await pairedRuns({ top, bottom, routes: pairRoutes, processes: pairProcesses, maxProcesses: maxPairProcesses, settled: (route, rounds) => settled(top, bottom, route, rounds), pairs, seconds: pairSeconds, warmup, connections, tool, serverPin, loadPin, maxSteal, tries, log: (line) => console.error(line) })
    for (const [route, result] of results) paired.set(`${top}|${bottom}|${route}`, result)
  }
}

// Cold start and package size.
const cold = new Map()
let size
if (!opts['no-cold']) {
  for (let rep = 1; rep <= coldReps; rep++) {
    for (const name of COLD_SERVERS) {
      const result = await coldStart(name, serverPin).catch((error) => error)
      if (result instanceof Error) {
        console.error(`cold start ${name}: ${result.message}`)
        continue
      }
      cold.set(name, [...(cold.get(name) ?? []), { ...result, rep }])
      console.error(`cold ${rep}  ${name.padEnd(12)} first answer ${result.ms.toFixed(1)} ms (listening at ${result.listenMs.toFixed(1)} ms), rss ${result.rssMb?.toFixed(0)} MB`)
    }
  }
  size = packageSize(root)
}

// The report.
const fmt = (n, digits = 0) => (n === null || n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits))
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MB`
const summary = (server, route) => {
  const list = runs.get(`${server}|${route}`)
  if (!list) return undefined
  return {
    rps: median(list.map((r) => r.rps)),
    p50: median(list.map((r) => r.p50)),
    p99: median(list.map((r) => r.p99)),
    rss: median(list.map((r) => r.rssMb ?? NaN)),
    each: list.map((r) => r.rps),
    steal: median(list.map((r) => (r.steal ?? NaN) * 100)),
    bad: list.reduce((n, r) => n + r.non2xx + r.errors, 0),
  }
}
const ratio = (a, b) => (a && b ? `${(a.rps / b.rps).toFixed(2)}×` : '–')
const lines = []
if (!opts['cold-only'] && reps > 0) {
  const ours = servers.filter((s) => s.ours)
  if (ours.length) {
    lines.push('### Headline: ours as a ratio of req/s', '')
    lines.push(`| adapter | ${routes.map((r) => `${LOADS[r].label}: × ceiling | × Fastify`).join(' | ')} |`)
    lines.push(`|---|${routes.map(() => '---:|---:').join('|')}|`)
    for (const s of ours) {
      lines.push(`| ${s.label} | ${routes.map((r) => `${ratio(summary(s.name, r), summary('raw', r))} | ${ratio(summary(s.name, r), summary('fastify', r))}`).join(' | ')} |`)
    }
    lines.push('')
  }
  for (const route of routes) {
    lines.push(`### ${LOADS[route].label}`, '')
    lines.push('| server | req/s (median) | p50 ms | p99 ms | peak RSS MB | × ceiling | × Fastify | steal % | req/s of each run |')
    lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---|')
    for (const s of servers) {
      const row = summary(s.name, route)
      if (!row) {
        lines.push(`| ${s.label} | not measured: ${broken.get(s.name)?.join('; ') ?? 'no run'} ||||||||`)
        continue
      }
      const name = s.ours ? `**${s.label}**` : s.label
      const warn = row.bad ? ` ⚠ ${row.bad} non-2xx or socket errors` : ''
      lines.push(`| ${name} | ${fmt(row.rps)} | ${fmt(row.p50, 2)} | ${fmt(row.p99, 2)} | ${fmt(row.rss)} | ${ratio(row, summary('raw', route))} | ${ratio(row, summary('fastify', route))} | ${fmt(row.steal, 1)} | ${row.each.map((x) => fmt(x)).join(', ')}${warn} |`)
    }
    lines.push('')
  }
}
if (!opts['no-cold']) {
  lines.push(`### Cold start: an app of 100 routes (the three above and ${EXTRA} validated \`POST /extra/<n>/:id\`), process start to the first answer`, '')
  lines.push('| server | first answer ms (median) | listening ms (median) | RSS at first answer MB | first answer ms of each run |')
  lines.push('|---|---:|---:|---:|---|')
  const labelOf = (name) => SERVERS.find((s) => s.name === name).label
  for (const name of COLD_SERVERS) {
    const list = cold.get(name)
    if (!list) {
      lines.push(`| ${labelOf(name)} | failed |||| `)
      continue
    }
    lines.push(`| ${labelOf(name)} | ${fmt(median(list.map((r) => r.ms)), 1)} | ${fmt(median(list.map((r) => r.listenMs)), 1)} | ${fmt(median(list.map((r) => r.rssMb ?? NaN)))} | ${list.map((r) => fmt(r.ms, 1)).join(', ')} |`)
  }
  lines.push('', '### Package size (`npm pack --dry-run --json` of each package)', '')
  lines.push('| package | packed | unpacked | files | native addon |', '|---|---:|---:|---:|---|')
  for (const pkg of size) {
    lines.push(`| \`${pkg.name}\` (${pkg.role}) | ${mb(pkg.packed)} | ${mb(pkg.unpacked)} | ${pkg.files} | ${pkg.addons.map((a) => `\`${a.file}\` ${mb(a.bytes)}`).join(', ') || 'none built'} |`)
  }
  lines.push('')
}
lines.unshift(...targetLines((server, route) => runs.get(`${server}|${route}`), (top, bottom, route) => paired.get(`${top}|${bottom}|${route}`), (server) => cold.get(server)))
const tables = lines.join('\n')
console.log(`\n${tables}`)

/** How many measured runs had to be run again for steal, and the steal of the runs kept. */
function stealNote() {
  const kept = [...runs.values()].flat()
  const again = kept.filter((r) => r.attempts > 1).length
  const high = kept.filter((r) => r.steal !== null && r.steal > maxSteal).length
  const steals = kept.map((r) => r.steal).filter((x) => x !== null)
  if (steals.length === 0) return 'not measured (no /proc/stat)'
  return `${again} of ${kept.length} runs were run again, ${high} kept above the limit; steal in the runs kept: median ${(median(steals) * 100).toFixed(1)}%, at most ${(Math.max(...steals) * 100).toFixed(1)}%`
}

/** How many pairs had to be run again for steal, and how many were kept above the limit. */
function pairedSteal() {
  const all = [...paired.values()]
  const count = (field) => all.reduce((n, r) => n + r[field], 0)
  return `A pair in which the hypervisor took more than ${opts['max-steal']}% of either CPU was run again (up to ${tries} tries): ${count('again')} of ${all.reduce((n, r) => n + r.rounds.flat().length, 0)} pairs were run again, ${count('stolen')} kept above the limit.`
}

if (!opts['no-write']) {
  const version = (pkg) => JSON.parse(readFileSync(fileURLToPath(new URL(`node_modules/${pkg}/package.json`, import.meta.url)), 'utf8')).version
  const peers = ['@pikku/core', 'express', 'fastify', '@fastify/jwt', 'hono', '@hono/node-server', 'ajv', 'jose', 'jsonwebtoken'].map((p) => `${p} ${version(p)}`).join(', ')
  let commit = 'unknown'
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim()
  } catch {}
  const model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model
  const header = [
    '# HTTP benchmark: results of the last run',
    '',
    `- Date: ${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC`,
    `- Machine: ${model}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}; Node ${process.version}; load average before the run ${load1.toFixed(2)}`,
    `- Command: \`${command}\` (from the repository root, after \`npm ci\`, the release build of the addon, \`npx tsc -p tsconfig.build.json\` and \`(cd bench/http && npm ci)\`)`,
    `- Library: @pikku/native at ${commit}; peers: ${peers}`,
    !measuresThroughput ? '' : `- Load: ${tool === 'wrk' ? loadGeneratorVersion(tool) : '**autocannon from npm (wrk could not be installed)**'}, 1 thread, ${connections} connections; server on CPU ${serverPin.length ? '0' : '(unpinned)'}, load generator on CPU ${loadPin.length ? '1' : '(unpinned)'}.`,
    opts['cold-only'] || reps === 0 ? '' : `- Tables: ${reps} interleaved repetitions (a fresh server process in each), ${warmup} s warm-up then ${seconds} s per run; medians of the runs; peak RSS is the server's VmHWM during the measured run (reset before it).`,
    opts['cold-only'] || pairs === 0 ? '' : `- Paired runs (the targets' \`paired runs\` column; they decide the verdicts): for each target, its two servers both on CPU 0 and loaded at the same time, each by its own wrk on CPU 1, so that both see the host at the same moment, in fresh pairs of processes (rounds): in each, per route a ${warmup} s warm-up of both at once, then ${pairs} runs of ${pairSeconds} s, both at once (whose load starts first alternating over runs and rounds); the median of the runs' ratios, with a 90% interval by a bootstrap over rounds. At least ${pairProcesses} rounds, and up to ${maxPairProcesses} until a target's 99% interval leaves its bound on one side (stricter than the verdict's 90%: the interval is looked at after each round); the controls run all ${maxPairProcesses}. A target is met when its whole interval meets the bound, not met when none of it does, and not shown otherwise. ${pairedSteal()}`,
    opts['cold-only'] || reps === 0 ? '' : `- Steal: a run in which the hypervisor took more than ${opts['max-steal']}% of either CPU was run again (up to ${tries} tries): ${stealNote()}.`,
    '',
    'What each server does and how to read this: [README.md](README.md#http-ours-against-peers).',
    '',
  ].filter((line, i, all) => line !== '' || all[i - 1] !== '')
  writeFileSync(resultsFile, `${header.join('\n')}\n${tables}`)
  const chartFile = resultsFile.replace(/\.md$/, '.svg')
  const rows = targetsFromResults(readFileSync(resultsFile, 'utf8'))
  if (rows.length > 0) writeFileSync(chartFile, targetsChart(rows, `@pikku/native HTTP targets, run of ${header[2].slice('- Date: '.length)}`))
  console.error(`\nwrote ${resultsFile}${rows.length > 0 ? ` and ${chartFile}` : ''}`)
}
