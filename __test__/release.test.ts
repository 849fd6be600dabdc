// The release layout: each package's addon is published in a package per platform (npm/), named
// in `optionalDependencies` by `napi pre-publish`; the release workflow builds every target of
// `napi.targets`. Only linux-x64-gnu can be built here: its release is packed and installed as a
// user gets it; for the others, what is checked is that the layout and the workflow cover them.
import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { beforeAll, describe, expect, it } from 'vitest'

import { PREBUILT_PLATFORMS } from '../lib/native-binding'

const root = join(__dirname, '..')
const PACKAGES = [root, join(root, 'packages', 'cli')]
const napiCli = join(root, 'node_modules', '@napi-rs', 'cli', 'dist', 'cli.js')

interface Manifest {
  name: string
  version: string
  files: string[]
  napi: { binaryName: string; targets: string[] }
  optionalDependencies?: Record<string, string>
}
const manifestOf = (dir: string): Manifest => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))

/** Every file under `dir`, by relative path, with its text. */
function tree(dir: string): Record<string, string> {
  const files: Record<string, string> = {}
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue
    const path = join(entry.parentPath, entry.name)
    files[path.slice(dir.length + 1)] = readFileSync(path, 'utf8')
  }
  return files
}

describe.each(PACKAGES.map((dir) => [manifestOf(dir).name, dir] as const))('%s', (_name, dir) => {
  const manifest = manifestOf(dir)

  it('targets the platforms the README lists, and the same for both packages', async () => {
    const { napiPlatform } = await import('../scripts/pack-release.mjs')
    expect(manifest.napi.targets.map(napiPlatform)).toEqual([...PREBUILT_PLATFORMS])
  })

  it('has npm/ as `napi create-npm-dirs` writes it from package.json (not stale)', () => {
    const stage = mkdtempSync(join(tmpdir(), 'pikku-npm-dirs-'))
    cpSync(join(dir, 'package.json'), join(stage, 'package.json'))
    execFileSync(process.execPath, [napiCli, 'create-npm-dirs'], { cwd: stage, stdio: 'pipe' })
    expect(tree(join(dir, 'npm')), 'run `npx napi create-npm-dirs` where this package.json is').toEqual(tree(join(stage, 'npm')))
  })

  it('is built, tested and published for every target by the release workflow', () => {
    const workflow = readFileSync(join(root, '.github', 'workflows', 'release.yml'), 'utf8')
    const job = (name: string) => workflow.slice(workflow.indexOf(`\n  ${name}:`) + 1).split(/\n  \w+:\n/)[0]!
    const targetsOf = (text: string) => [...text.matchAll(/\btarget: ([\w-]+)/g)].map((m) => m[1]).sort()
    expect(targetsOf(job('build'))).toEqual([...manifest.napi.targets].sort())
    expect(targetsOf(job('test'))).toEqual([...manifest.napi.targets].sort())
    const where = dir === root ? '' : ' --cwd packages/cli'
    expect(job('publish')).toContain(`npx napi artifacts${where} --output-dir`)
  })
})

describe('installed as the release publishes it (this platform)', () => {
  let tarballs: import('../scripts/pack-release.mjs').ReleaseTarballs
  let platform: string
  beforeAll(async () => {
    const { packRelease, hostPlatform } = await import('../scripts/pack-release.mjs')
    platform = hostPlatform()
    tarballs = packRelease(mkdtempSync(join(tmpdir(), 'pikku-release-')))
  }, 120_000)

  const listing = (tarball: string) => execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).trim().split('\n')
  const packedManifest = (tarball: string): Manifest => JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }))

  it('puts each addon in its platform package only, named in optionalDependencies', () => {
    for (const [main, addonPackage, binaryName] of [
      [tarballs.native, tarballs.nativePlatform, 'pikku-native'],
      [tarballs.cli, tarballs.cliPlatform, 'pikku-codegen'],
    ] as const) {
      const manifest = packedManifest(main)
      expect(listing(main).filter((file) => file.endsWith('.node'))).toEqual([])
      expect(listing(addonPackage)).toContain(`package/${binaryName}.${platform}.node`)
      expect(manifest.optionalDependencies).toEqual({ [`${manifest.name}-${platform}`]: manifest.version })
      expect(packedManifest(addonPackage).name).toBe(`${manifest.name}-${platform}`)
    }
  })

  it('loads the addons from the platform packages and answers 200 and 422', async () => {
    const { smokeRelease } = await import('../scripts/smoke-release.mjs')
    const found = smokeRelease(tarballs)
    expect(found.statuses).toEqual([200, 422])
    expect(found.body).toEqual({ n: 5 })
    expect(found.addons.map((file) => file.slice(found.project.length))).toEqual([
      `/node_modules/@pikku/native-${platform}/pikku-native.${platform}.node`,
      `/node_modules/@pikku/native-cli-${platform}/pikku-codegen.${platform}.node`,
    ])
    expect(found.generator).toBe('function')
  })
})
