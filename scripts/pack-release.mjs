// Packs the two packages the way the release workflow (.github/workflows/release.yml) publishes
// them, for this machine's platform only: each package's addon goes into its per-platform
// package under npm/, `napi pre-publish` writes the `optionalDependencies` that point at it,
// and the root package carries no addon of its own. The tests install these tarballs as a user
// installs the published packages. Usage: `node scripts/pack-release.mjs <out-dir>`.
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

import { root } from './steps.mjs'

/** The two packages: where each lives in the repository. */
const PACKAGES = { native: root, cli: join(root, 'packages', 'cli') }

/** napi-rs's name for this machine's platform (`linux-x64-gnu`, `darwin-arm64`, …): the package's own. */
export function hostPlatform() {
  const built = join(root, 'dist', 'native-binding.js')
  if (!existsSync(built)) throw new Error(`${built} is missing: build the package first (npm run build)`)
  return createRequire(import.meta.url)(built).hostPlatform()
}

/**
 * Packs `native` and `cli` with their per-platform packages into `outDir`; returns the
 * tarballs' paths: `{ native, nativePlatform, cli, cliPlatform }`.
 */
export function packRelease(outDir) {
  mkdirSync(outDir, { recursive: true })
  const tarballs = {}
  for (const [key, dir] of Object.entries(PACKAGES)) {
    const [main, platform] = packOne(dir, outDir)
    tarballs[key] = main
    tarballs[`${key}Platform`] = platform
  }
  return tarballs
}

/** One package and its platform package, staged in a temporary copy (pre-publish edits it). */
function packOne(dir, outDir) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
  const platform = hostPlatform()
  const triple = manifest.napi.targets.find((target) => napiPlatform(target) === platform)
  if (!triple) throw new Error(`${manifest.name} has no napi target for ${platform}`)
  const addon = `${manifest.napi.binaryName}.${platform}.node`
  if (!existsSync(join(dir, addon))) throw new Error(`${join(dir, addon)} is missing: build it first (npm run build)`)

  const stage = mkdtempSync(join(tmpdir(), 'pikku-release-'))
  // `files` names `*.node` so that a source build packs with its addon; a release's main
  // package carries none (its addons are in the platform packages): globs are not copied.
  const parts = [...manifest.files.filter((f) => !f.includes('*')), 'npm', 'README.md'].filter((f) => existsSync(join(dir, f)))
  for (const part of parts) cpSync(join(dir, part), join(stage, part), { recursive: true })
  // A release of this platform alone: pre-publish refuses to stage a platform without its addon.
  writeFileSync(join(stage, 'package.json'), JSON.stringify({ ...manifest, napi: { ...manifest.napi, targets: [triple] } }, null, 2))
  cpSync(join(dir, addon), join(stage, 'npm', platform, addon))
  // pre-publish reads the last commit to tell a release commit: the stage is a repository of one.
  const git = (...args) => execFileSync('git', ['-c', 'user.name=release', '-c', 'user.email=release@localhost', ...args], { cwd: stage, stdio: 'pipe' })
  git('init', '-q')
  git('commit', '-q', '--allow-empty', '-m', manifest.version)
  // Through node rather than node_modules/.bin, whose entries are .cmd files on Windows.
  const napi = join(root, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js')
  execFileSync(process.execPath, [napi, 'pre-publish', '--skip-optional-publish', '-t', 'npm'], { cwd: stage, stdio: 'pipe' })
  const pack = (cwd) => join(outDir, execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', outDir], { cwd, encoding: 'utf8', shell: process.platform === 'win32' }).trim().split('\n').pop())
  return [pack(stage), pack(join(stage, 'npm', platform))]
}

/** `x86_64-unknown-linux-gnu` → `linux-x64-gnu`: the suffix napi-rs gives a target's files. */
export function napiPlatform(triple) {
  const [arch, , os, abi] = triple.split('-')
  const cpu = { x86_64: 'x64', aarch64: 'arm64' }[arch] ?? arch
  if (os === 'darwin') return `darwin-${cpu}`
  if (os === 'windows') return `win32-${cpu}-${abi}`
  return `${os}-${cpu}-${abi}`
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const outDir = process.argv[2]
  if (!outDir) throw new Error('usage: node scripts/pack-release.mjs <out-dir>')
  console.log(JSON.stringify(packRelease(outDir), null, 2))
}
