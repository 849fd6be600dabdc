#!/usr/bin/env node
// The suite on other runtimes (bench/README.md, "Runtimes"), in paired runs (lib/paired.mjs):
//   1. each node:http server of the suite on Node 24 against itself on Node 20;
//   2. the suite's throughput targets with both servers on Node 24;
//   3. ours through the Fetch adapter on Bun.serve and Deno.serve against a bare handler on the
//      same server doing the same validation (servers/bare-fetch.mjs).
// The runtimes other than this Node come from the npm registry (scripts/runtimes.mjs).
//   node bench/http/runtimes.mjs [--parts=node,targets,fetch] [--servers=raw,fastify,…]
//                                [--routes=hello,todo,secure] [--rounds=3] [--pairs=5]
//                                [--pair-duration=2] [--warmup=3] [--connections=50]
//                                [--max-steal=5] [--tries=4] [--no-write]
// The tables go to stdout and, unless --no-write, to bench/RUNTIMES.md.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

import { runtime } from '../../scripts/runtimes.mjs'
import { LOADS } from './lib/check.mjs'
import { ensureLoadGenerator, loadGeneratorVersion } from './lib/load.mjs'
import { fail, pairedRunOptions, pairedRunSettings } from './lib/options.mjs'
import { pairedRuns } from './lib/paired.mjs'
import { SERVERS, killServers, pinning } from './lib/servers.mjs'
import { THROUGHPUT, pairedSummary, verdictText } from './lib/targets.mjs'

const PARTS = ['node', 'targets', 'fetch']
const { values: opts } = parseArgs({
  options: {
    parts: { type: 'string', default: PARTS.join(',') },
    servers: { type: 'string', default: SERVERS.filter((s) => s.name !== 'ours-fetch').map((s) => s.name).join(',') },
    routes: { type: 'string', default: Object.keys(LOADS).join(',') },
    ...pairedRunOptions(3),
    'no-write': { type: 'boolean', default: false },
  },
})
const parts = opts.parts.split(',').map((part) => (PARTS.includes(part) ? part : fail(`unknown part ${part}; the parts: ${PARTS.join(', ')}`)))
const servers = opts.servers.split(',').map((name) => SERVERS.find((s) => s.name === name) ?? fail(`unknown server ${name}`))
const routes = opts.routes.split(',').map((name) => (LOADS[name] ? name : fail(`unknown route ${name}`)))
const settings = pairedRunSettings(opts)
const { processes: rounds, pairs, seconds, warmup, connections } = settings
const command = ['node bench/http/runtimes.mjs', ...process.argv.slice(2)].join(' ')

/** The runtimes: the command that runs a server script, and the version it reports. */
const node20 = [process.execPath]
const node24 = [runtime('node24')]
const bun = [runtime('bun')]
const deno = [runtime('deno'), 'run', '--allow-all']
const version = ([binary]) => execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim().split('\n')[0]

const { serverPin, loadPin } = pinning()
const tool = ensureLoadGenerator()
process.once('exit', killServers)
process.once('SIGINT', () => process.exit(130))
process.once('SIGTERM', () => process.exit(143))

const measure = (top, bottom, measured) =>
  pairedRuns({ top, bottom, routes: measured, ...settings, tool, serverPin, loadPin, log: (line) => console.error(line) })

/** A cell: the paired summary, or why there is none. */
const summary = (result) => {
  if (!result) return ''
  const problems = [result.error, result.bad ? `⚠ ${result.bad} non-2xx or socket errors` : ''].filter(Boolean).join('; ')
  return `${result.rounds.length ? pairedSummary(result.rounds) : 'not measured'}${problems ? ` (${problems})` : ''}`
}
const routeHeader = `| ${routes.map((route) => LOADS[route].label).join(' | ')} |`
const routeRule = `|${routes.map(() => '---:|').join('')}`

const sections = []
if (parts.includes('node')) {
  const lines = [`### Node 24 ÷ Node 20, each server against itself`, '', `| server ${routeHeader}`, `|---${routeRule}`]
  for (const server of servers) {
    const results = await measure({ name: server.name, label: `${server.name} on Node 24`, env: {}, runtime: node24 }, { name: server.name, label: `${server.name} on Node 20`, env: {}, runtime: node20 }, routes)
    lines.push(`| ${server.label} | ${routes.map((route) => summary(results.get(route))).join(' | ')} |`)
  }
  sections.push(lines)
}
if (parts.includes('targets')) {
  const lines = ['### The throughput targets on Node 24 (both servers on Node 24)', '', '| target | paired runs: median ratio (90% interval; rounds, pairs) | verdict |', '|---|---:|---|']
  for (const [label, top, bottom, route, bound, strict] of THROUGHPUT) {
    if (!routes.includes(route) || !servers.some((s) => s.name === top) || !servers.some((s) => s.name === bottom)) continue
    const result = (await measure({ name: top, label: top, env: {}, runtime: node24 }, { name: bottom, label: bottom, env: {}, runtime: node24 }, [route])).get(route)
    const verdict = result.rounds.length ? verdictText(result.rounds, bound, strict) : ''
    lines.push(`| ${label} | ${summary(result)} | ${verdict} |`)
  }
  sections.push(lines)
}
if (parts.includes('fetch')) {
  const lines = ['### The Fetch adapter on Bun.serve and Deno.serve ÷ a bare handler doing the same work there', '', `| runtime ${routeHeader}`, `|---${routeRule}`]
  for (const [name, runner] of [['Bun', bun], ['Deno', deno]]) {
    const results = await measure({ name: 'ours-fetch-serve', label: `ours on ${name}`, env: {}, runtime: runner }, { name: 'bare-fetch', label: `bare on ${name}`, env: {}, runtime: runner }, routes)
    lines.push(`| ${name} | ${routes.map((route) => summary(results.get(route))).join(' | ')} |`)
  }
  sections.push(lines)
}

const used = [['Node 20', node20], ['Node 24', node24], ['Bun', bun], ['Deno', deno]].map(([name, runner]) => `${name} ${version(runner)}`).join(', ')
const header = [
  '## The suite on other runtimes',
  '',
  `- Command: \`${command}\``,
  `- Date: ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; commit ${execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim()}`,
  `- Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}; servers pinned to CPU 0, load generators to CPU 1`,
  `- Runtimes: ${used}; load generator: ${loadGeneratorVersion(tool)}`,
  `- Paired runs: ${rounds} rounds of fresh processes, ${pairs} runs of ${seconds} s each after ${warmup} s of warm-up, ${connections} connections; a ratio above 1.00 favours the first named`,
  '',
]
const text = `${header.join('\n')}\n${sections.map((lines) => lines.join('\n')).join('\n\n')}\n`
console.log(`\n${text}`)
if (!opts['no-write']) writeFileSync(fileURLToPath(new URL('../RUNTIMES.md', import.meta.url)), text)
