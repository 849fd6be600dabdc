// The package's shape: every entry point of the `exports` map loads with `require` and with
// `import` (the same names, no flags), under Bun, and under Deno (both from the npm registry;
// Deno has no CommonJS lexer to lean on).
import { execFileSync, spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

const root = join(__dirname, '..')
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { import: { types: string; default: string }; require: { types: string; default: string } }>
}
const entries = Object.entries(manifest.exports).filter(([subpath]) => subpath !== './package.json') as [
  string,
  { import: { types: string; default: string }; require: { types: string; default: string } },
][]
const specifier = (subpath: string) => `@pikku/native${subpath.slice(1)}`

function names(code: string, inputType: 'commonjs' | 'module'): string[] {
  const out = execFileSync(process.execPath, ['--input-type', inputType, '-e', code], { cwd: root, encoding: 'utf8' })
  return (JSON.parse(out) as string[]).filter((name) => name !== 'default' && name !== '__esModule').sort()
}

describe('the exports map', () => {
  it('names types, import and require for every entry, and the files exist', () => {
    expect(entries.map(([subpath]) => subpath)).toEqual(['.', './express', './fastify', './node-http', './fetch', './standalone', './next', './client', './bullmq', './redis', './postgres', './lambda', './mcp'])
    for (const [, target] of entries) {
      for (const file of [target.import.types, target.import.default, target.require.types, target.require.default]) {
        expect(existsSync(join(root, file)), file).toBe(true)
      }
    }
  })

  it.each(entries.map(([subpath]) => subpath))('%s gives the same names to require and to import', (subpath) => {
    const required = names(`console.log(JSON.stringify(Object.keys(require('${specifier(subpath)}'))))`, 'commonjs')
    const imported = names(`const m = await import('${specifier(subpath)}'); console.log(JSON.stringify(Object.keys(m)))`, 'module')
    expect(required.length).toBeGreaterThan(0)
    expect(imported).toEqual(required)
  })

  it('keeps internals out of the root entry', () => {
    const exported = names(`console.log(JSON.stringify(Object.keys(require('@pikku/native'))))`, 'commonjs')
    for (const internal of ['ERROR_TABLE', 'loadMetadata', 'portOf', 'HttpPipeline', 'buildApp']) expect(exported).not.toContain(internal)
  })
})

/** The files `npm pack` would publish from `dir`. */
function packed(dir: string): { files: string[]; unpackedSize: number } {
  const [pack] = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))
  return { files: pack.files.map((f: { path: string }) => f.path), unpackedSize: pack.unpackedSize }
}

describe('two packages: the runtime, and the `pikku` command for development', () => {
  it('the runtime carries no code generator', () => {
    const runtime = packed(root)
    // A checkout packs with the addon it built; a release's is in its platform package (release.test.ts).
    expect(runtime.files.filter((f) => f.endsWith('.node'))).toEqual(['pikku-native.linux-x64-gnu.node'])
    expect(runtime.files.filter((f) => f.startsWith('bin/') || f.startsWith('templates/') || f.startsWith('packages/'))).toEqual([])
    expect(manifest).not.toHaveProperty('bin')
    const binding = names(`console.log(JSON.stringify(Object.keys(require('./index.js'))))`, 'commonjs')
    expect(binding).toContain('createEngine')
    expect(binding).not.toContain('Generator')
  })

  it('@pikku/native-cli carries the generator, the `pikku` command and the init template', () => {
    const cliDir = join(root, 'packages/cli')
    const cli = packed(cliDir)
    expect(cli.files).toContain('pikku-codegen.linux-x64-gnu.node')
    expect(cli.files).toContain('bin/pikku.js')
    expect(cli.files).toContain('templates/app/package.json')
    const cliManifest = JSON.parse(readFileSync(join(cliDir, 'package.json'), 'utf8'))
    expect(cliManifest.bin).toEqual({ pikku: './bin/pikku.js' })
    // Released together: `pikku init` writes both at its own version.
    expect(cliManifest.version).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version)
    expect(Object.keys(cliManifest.dependencies ?? {})).toEqual([])
    const binding = names(`console.log(JSON.stringify(Object.keys(require('./packages/cli/index.js'))))`, 'commonjs')
    expect(binding).toContain('Generator')
    expect(binding).not.toContain('createEngine')
  })
})

/** Deno from the npm registry, installed once into node_modules/.cache (scripts/runtimes.mjs). */
async function deno(): Promise<string> {
  const { runtime } = await import('../scripts/runtimes.mjs')
  return runtime('deno')
}

describe.runIf(process.platform === 'linux' && process.arch === 'x64')('under Deno', () => {
  it('serves through every ESM entry without flags beyond --allow-ffi', async () => {
    const imports = entries.map(([, target], n) => `import * as e${n} from '${join(root, target.import.default)}'`).join('\n')
    const script = `${imports}
const { createApp, pikkuSessionlessFunc } = e0
const { createFetchHandler } = e${entries.findIndex(([subpath]) => subpath === './fetch')}
const count = (n) => Object.keys(n).length
if (${entries.map((_, n) => `count(e${n})`).join(' * ')} === 0) throw new Error('an entry has no exports')
const item = pikkuSessionlessFunc({ input: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] }, func: async (_s, data) => data })
const handle = createFetchHandler(createApp({ routes: [{ method: 'get', route: '/items/:n', func: item, auth: false }], channels: [] }))
const ok = await handle(new Request('http://x/items/5'))
const bad = await handle(new Request('http://x/items/five'))
console.log(JSON.stringify([ok.status, await ok.json(), bad.status]))
`
    // Outside node_modules, where Deno would take the script for part of a package.
    const file = join(mkdtempSync(join(tmpdir(), 'pikku-deno-')), 'entries.mjs')
    writeFileSync(file, script)
    const run = spawnSync(await deno(), ['run', '--allow-ffi', '--allow-read', '--allow-env', file], { cwd: root, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } })
    expect(run.stderr).not.toMatch(/error/i)
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toEqual([200, { n: 5 }, 422])
  }, 300_000)
})

describe.runIf(process.platform === 'linux' && process.arch === 'x64')('under Bun', () => {
  it('gives the same names to require and to import for every entry, without flags', async () => {
    const { runtime } = await import('../scripts/runtimes.mjs')
    // Each entry's two files as the exports map names them (Bun reads the map as Node does).
    const files = entries.map(([subpath, target]) => [subpath, join(root, target.require.default), join(root, target.import.default)])
    const script = `
const names = (m) => Object.keys(m).filter((n) => n !== 'default' && n !== '__esModule').sort().join()
const out = []
for (const [subpath, cjs, esm] of ${JSON.stringify(files)}) {
  const required = names(require(cjs))
  out.push([subpath, required.length > 0 && required === names(await import(esm))])
}
console.log(JSON.stringify(out))
`
    const file = join(mkdtempSync(join(tmpdir(), 'pikku-bun-')), 'entries.mjs')
    writeFileSync(file, script)
    const run = spawnSync(runtime('bun'), [file], { cwd: root, encoding: 'utf8', timeout: 120_000 })
    expect(run.status, run.stderr).toBe(0)
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toEqual(files.map(([subpath]) => [subpath, true]))
  }, 300_000)
})

describe('without a native addon for the platform', () => {
  it('fails to load with PIKKU_ERR_BINARY, the platform and how to build from source, from require and import', () => {
    // The package installed without its platform package (@pikku/native-<platform>, which holds the addon).
    const project = mkdtempSync(join(tmpdir(), 'pikku-nobinary-'))
    const installed = join(project, 'node_modules', '@pikku', 'native')
    for (const part of ['package.json', 'index.js', 'index.d.ts', 'dist']) cpSync(join(root, part), join(installed, part), { recursive: true })
    for (const code of ["require('@pikku/native')", "import('@pikku/native')"]) {
      const run = spawnSync(process.execPath, ['-e', `Promise.resolve().then(() => ${code}).catch((error) => { console.log(error.message); process.exit(3) })`], { cwd: project, encoding: 'utf8' })
      expect(run.status, run.stderr).toBe(3)
      expect(run.stdout).toMatch(new RegExp(`^PIKKU_ERR_BINARY: @pikku/native could not load its native addon for ${process.platform}-${process.arch}`))
      expect(run.stdout).toContain('prebuilt addons: linux-x64-gnu, linux-x64-musl, linux-arm64-gnu')
      // This platform has a prebuilt addon: what is missing is its optional package.
      expect(run.stdout).toContain(`the optional dependency @pikku/native-${process.platform}-${process.arch}-gnu, which was not installed`)
      expect(run.stdout).toContain('run `npm ci && npm run build` there')
    }
  })
})
