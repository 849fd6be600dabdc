// Installs this platform's release tarballs (scripts/pack-release.mjs) into an empty project
// and checks what a user gets: the runtime loads its addon from the per-platform package and
// answers a validated request (200, then 422), and the CLI package loads its generator. Run by
// release.test.ts here and by the release workflow on each platform it can run.
// Usage: `node scripts/smoke-release.mjs` (packs first) — prints the findings, fails on a miss.
import { execFileSync } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

import { hostPlatform, packRelease } from './pack-release.mjs'
import { root } from './steps.mjs'

const CHECK = `
const { createApp, pikkuSessionlessFunc } = require('@pikku/native')
const { createFetchHandler } = require('@pikku/native/fetch')
const item = pikkuSessionlessFunc({ input: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] }, func: async (_s, data) => data })
const handle = createFetchHandler(createApp({ routes: [{ method: 'get', route: '/items/:n', func: item, auth: false }], channels: [] }))
;(async () => {
  const ok = await handle(new Request('http://x/items/5'))
  const bad = await handle(new Request('http://x/items/five'))
  const cli = require('@pikku/native-cli')
  const addons = Object.keys(require.cache).filter((file) => file.endsWith('.node'))
  console.log(JSON.stringify({ statuses: [ok.status, bad.status], body: await ok.json(), addons, generator: typeof cli.Generator }))
})()
`

/**
 * Unpacks the tarballs into `node_modules` of a new project as npm would install them (without
 * the registry: the runtime's dependencies are copied from this checkout) and runs the check
 * there; returns its findings.
 */
export function smokeRelease(tarballs) {
  const project = mkdtempSync(join(tmpdir(), 'pikku-smoke-'))
  writeFileSync(join(project, 'package.json'), '{ "private": true }\n')
  const platform = hostPlatform()
  const place = { native: '@pikku/native', nativePlatform: `@pikku/native-${platform}`, cli: '@pikku/native-cli', cliPlatform: `@pikku/native-cli-${platform}` }
  for (const [key, name] of Object.entries(place)) {
    const dir = join(project, 'node_modules', name)
    mkdirSync(dir, { recursive: true })
    execFileSync('tar', ['-xzf', tarballs[key], '-C', dir, '--strip-components=1'])
  }
  const { dependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  for (const name of Object.keys(dependencies ?? {})) cpSync(join(root, 'node_modules', name), join(project, 'node_modules', name), { recursive: true })
  const out = execFileSync(process.execPath, ['-e', CHECK], { cwd: project, encoding: 'utf8' })
  return { project, ...JSON.parse(out.trim().split('\n').pop()) }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const found = smokeRelease(packRelease(mkdtempSync(join(tmpdir(), 'pikku-pack-'))))
  console.log(JSON.stringify(found, null, 2))
  const fromPlatformPackages = ['native', 'native-cli'].every((name) => found.addons.some((file) => file.includes(`${name}-${hostPlatform()}`)))
  if (found.statuses.join() !== '200,422' || !fromPlatformPackages || found.generator !== 'function') {
    console.error('the release does not work on this platform: see above')
    process.exit(1)
  }
}
