// A/B of two builds of ours: this checkout's build against another built checkout (`--base`),
// both served by the same server script and loaded at once in paired runs (lib/paired.mjs).
// For a change to the hot path whose gain is a few percent: the suite's targets compare us to
// peers, this compares us to ourselves before the change. `--base` is read from the current
// directory: run from the repository root, `--base=.` is the A/A control. Both builds are
// served by this checkout's server script, so the base must have the library API it uses.
//
//   git worktree add /tmp/base HEAD~1 && (cd /tmp/base && npm ci && npm run build)
//   node bench/http/ab.mjs --base=/tmp/base --routes=hello,todo
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

import { LOADS } from './lib/check.mjs'
import { ensureLoadGenerator } from './lib/load.mjs'
import { fail, pairedRunOptions, pairedRunSettings } from './lib/options.mjs'
import { pairedRuns } from './lib/paired.mjs'
import { SERVERS, killServers, pinning } from './lib/servers.mjs'
import { pairedSummary } from './lib/targets.mjs'

const { values: opts } = parseArgs({
  options: {
    base: { type: 'string' },
    server: { type: 'string', default: 'ours-node' },
    routes: { type: 'string', default: 'hello,todo' },
    ...pairedRunOptions(6),
  },
})

const here = fileURLToPath(new URL('../..', import.meta.url))
if (!opts.base) fail('name the build to compare against: --base=<a built checkout> (--base=. for the A/A control)')
const base = resolve(opts.base)
for (const root of [here, base]) if (!existsSync(`${root}/dist/index.js`)) fail(`${root} is not built: npm run build there`)
const server = SERVERS.find((s) => s.name === opts.server && s.ours) ?? fail(`--server takes one of ours: ${SERVERS.filter((s) => s.ours).map((s) => s.name).join(', ')}`)
const routes = opts.routes.split(',').map((name) => (LOADS[name] ? name : fail(`unknown route ${name}`)))
const settings = pairedRunSettings(opts)

const { serverPin, loadPin } = pinning()
const tool = ensureLoadGenerator()
process.once('exit', killServers)
process.once('SIGINT', () => process.exit(130))
process.once('SIGTERM', () => process.exit(143))

const results = await pairedRuns({
  top: { name: server.name, label: 'this build', env: { PIKKU_ROOT: here } },
  bottom: { name: server.name, label: 'base', env: { PIKKU_ROOT: base } },
  routes,
  ...settings,
  tool,
  serverPin,
  loadPin,
  log: (line) => console.error(line),
})

console.log(`\n${server.label}: this build (${here}) ÷ base (${base}), req/s in paired runs`)
for (const [route, result] of results) {
  const problems = [result.error, result.bad ? `${result.bad} non-2xx answers or socket errors` : ''].filter(Boolean).join('; ')
  console.log(`  ${LOADS[route].label.padEnd(48)} ${result.rounds.length ? pairedSummary(result.rounds) : 'not measured'}${problems ? `  (${problems})` : ''}`)
}
