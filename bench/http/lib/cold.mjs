// Cold start: from spawning `node servers/<name>.mjs` for an app of 100 routes to the first
// answered request on its last route; and the size of the package as npm would publish it.
import { execFileSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { isDeepStrictEqual } from 'node:util'

import { ANSWER, BODY, extraPath } from '../shared.mjs'
import { send } from './check.mjs'
import { peakRssMb, startServer, stopServer } from './servers.mjs'

/** The suite's three routes plus this many validated `POST /extra/<n>/:id` routes: 100 in all. */
export const EXTRA = 97
export const COLD_SERVERS = ['ours-node', 'express', 'fastify', 'reference']

/** One cold start: `{ ms, listenMs, rssMb }`; throws when the answer is wrong. */
export async function coldStart(name, pin) {
  const server = await startServer(name, { pin, env: { BENCH_EXTRA_ROUTES: String(EXTRA) } })
  try {
    const listenMs = performance.now() - server.startedAt
    const answer = await send(server.port, 'POST', `${extraPath(EXTRA - 1)}/42`, { body: BODY })
    const ms = performance.now() - server.startedAt
    if (answer.status !== 200 || !isDeepStrictEqual(answer.body, ANSWER)) {
      throw new Error(`${name}: the cold-start request answered ${answer.status} ${JSON.stringify(answer.body)}`)
    }
    return { ms, listenMs, rssMb: peakRssMb(server.pid) }
  } finally {
    await stopServer(server)
  }
}

/**
 * `npm pack --dry-run --json` of the two packages — the runtime (what a server installs) and
 * the `pikku` command (a development dependency) — and their `.node` files.
 */
export function packageSize(root) {
  return [
    { name: '@pikku/native', role: 'runtime', dir: root },
    { name: '@pikku/native-cli', role: 'development: the `pikku` command', dir: join(root, 'packages', 'cli') },
  ].map(({ name, role, dir }) => {
    const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))
    const addons = readdirSync(dir)
      .filter((file) => file.endsWith('.node'))
      .map((file) => ({ file, bytes: statSync(join(dir, file)).size }))
    return { name, role, packed: pack.size, unpacked: pack.unpackedSize, files: pack.entryCount, addons }
  })
}
