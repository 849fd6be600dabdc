// The `pikku` command end to end: it reads a project's types, writes the metadata file and
// the typed client, and the runtime validates requests with the schemas it wrote (JSDoc
// constraints included). The project is the `served-app` fixture of the code generator, whose
// expected outputs are committed (and checked fresh by `cargo test`).
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

import { createApp } from '@pikku/native'
import { createFetchHandler } from '@pikku/native/fetch'

const root = join(__dirname, '..')
const servedApp = join(root, 'crates/pikku-codegen/tests/fixtures/served-app')
const pikku = (cwd: string, ...args: string[]) => spawnSync(process.execPath, [join(root, 'packages/cli/bin/pikku.js'), ...args], { cwd, encoding: 'utf8' })
/** A copy of the served-app fixture (its functions.ts and models.ts) without its config. */
const servedAppCopy = (prefix: string) => {
  const project = mkdtempSync(join(tmpdir(), prefix))
  cpSync(servedApp, project, { recursive: true, filter: (source) => !source.includes('expected') })
  rmSync(join(project, 'pikku.config.json'))
  return project
}

describe('pikku (code generator)', () => {
  it('writes the metadata file and the client from the types, then reports them up to date', () => {
    const project = mkdtempSync(join(tmpdir(), 'pikku-app-'))
    cpSync(servedApp, project, { recursive: true, filter: (source) => !source.includes('expected') })
    const first = pikku(project)
    expect(first.stdout).toMatch(/^pikku: 2 files, 7 functions, 7 routes in \d+ ms; wrote \.pikku\/pikku-meta\.gen\.json, \.pikku\/pikku-functions\.gen\.ts, \.pikku\/pikku-fetch\.gen\.ts/)
    expect(first.status).toBe(0)
    // Byte-identical to the committed snapshots: the output is deterministic.
    expect(readFileSync(join(project, '.pikku/pikku-meta.gen.json'), 'utf8')).toBe(readFileSync(join(servedApp, 'expected.json'), 'utf8'))
    expect(readFileSync(join(project, '.pikku/pikku-fetch.gen.ts'), 'utf8')).toBe(readFileSync(join(servedApp, 'expected-client.gen.ts'), 'utf8'))
    expect(pikku(project).stdout).toMatch(/output up to date/)
  })

  it('serves the routes with the generated schemas: a JSDoc constraint violation is a 422', async () => {
    await import('../crates/pikku-codegen/tests/fixtures/served-app/functions.js')
    const handle = createFetchHandler(createApp({ metadata: join(servedApp, 'expected.json') }))
    const post = (body: unknown) =>
      handle(new Request('http://x/signup', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }))
    const ok = await post({ name: 'Ada', email: 'ada@example.com', age: 36, plan: 'pro' })
    expect(await ok.json()).toEqual({ name: 'Ada', email: 'ada@example.com', age: 36, plan: 'pro', id: 1 })
    const bad = await post({ name: 'A', email: 'not-an-email', age: 12.5, plan: 'gold', extra: true })
    expect(bad.status).toBe(422)
    const paths = (await bad.json()).payload.errors.map((e: { path: string }) => e.path).sort()
    expect(paths).toEqual(['/', '/age', '/age', '/email', '/name', '/plan'])
    const account = await handle(new Request('http://x/accounts/7'))
    expect(await account.json()).toEqual({ id: 7, name: 'Ada' })
  })

  it('fails with every error at file:line:column and writes nothing', () => {
    const broken = join(__dirname, 'fixtures/codegen-broken')
    const run = pikku(broken)
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('error[PIKKU_TYPE_UNRESOLVED]: cannot resolve type `Unknown`')
    expect(run.stderr).toContain('--> src/functions.ts:3:53')
    expect(run.stderr).toContain('error[PIKKU_TYPE_UNRESOLVED]: cannot resolve type `AlsoMissing`')
    expect(run.stderr).toContain('2 errors found; nothing was written')
    expect(existsSync(join(broken, '.pikku'))).toBe(false)
  })
})

describe('pikku.config.json', () => {
  it('writes the client where `clientFile` says, and explains a bad key', async () => {
    const { writeFileSync } = await import('node:fs')
    const project = mkdtempSync(join(tmpdir(), 'pikku-config-'))
    cpSync(servedApp, project, { recursive: true, filter: (source) => !source.includes('expected') })
    writeFileSync(join(project, 'pikku.config.json'), JSON.stringify({ srcDirectories: ['.'], clientFile: 'web/api.gen.ts' }))
    expect(pikku(project).status).toBe(0)
    expect(readFileSync(join(project, 'web/api.gen.ts'), 'utf8')).toContain('export const pikkuFetch = new PikkuFetch<Routes, RPC>()')
    writeFileSync(join(project, 'pikku.config.json'), '{\n  "srcDir": ["."]\n}')
    const bad = pikku(project)
    expect(bad.status).toBe(1)
    expect(bad.stderr).toMatch(/error\[PIKKU_CONFIG\]: .*pikku\.config\.json:2:\d+: unknown field `srcDir`/)
  })
})

describe('pikku --watch', () => {
  it('writes again when a source file changes', async () => {
    const { spawn } = await import('node:child_process')
    const { writeFileSync, readFileSync: read } = await import('node:fs')
    const project = mkdtempSync(join(tmpdir(), 'pikku-watch-'))
    cpSync(servedApp, project, { recursive: true, filter: (source) => !source.includes('expected') })
    const child = spawn(process.execPath, [join(root, 'packages/cli/bin/pikku.js'), '--watch'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    const waitFor = (pattern: RegExp) =>
      new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern} in: ${output}`)), 10_000)
        const check = () => {
          if (pattern.test(output)) {
            clearTimeout(timer)
            resolve()
          }
        }
        child.stdout!.on('data', (chunk: Buffer) => {
          output += chunk.toString()
          check()
        })
        check()
      })
    try {
      await waitFor(/watching/)
      const models = join(project, 'models.ts')
      writeFileSync(models, read(models, 'utf8').replace('@minLength 2', '@minLength 3'))
      await waitFor(/wrote \.pikku\/pikku-meta\.gen\.json\n/)
      const metadata = JSON.parse(read(join(project, '.pikku/pikku-meta.gen.json'), 'utf8'))
      expect(metadata.schemas.SignupInput).toEqual({ $ref: '#/$defs/Signup' })
      expect(JSON.stringify(metadata.$defs.Signup)).toContain('"minLength":3')
    } finally {
      child.kill()
    }
  })
})

describe('pikku command line', () => {
  it('--help lists the options, every config key with its default, the files and the exit codes', () => {
    const project = mkdtempSync(join(tmpdir(), 'pikku-help-'))
    const run = pikku(project, '--help')
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/^Usage: pikku \[--watch \[--run <command>\]\]$/m)
    for (const option of ['-w, --watch', '-h, --help', '-v, --version']) expect(run.stdout).toContain(option)
    expect(run.stdout).toContain('"srcDirectories": ["src"]')
    expect(run.stdout).toContain('"outDir": ".pikku"')
    expect(run.stdout).toContain('"clientFile": "<outDir>/pikku-fetch.gen.ts"')
    expect(run.stdout).toContain('"openapi": { "outputFile": "openapi.json"')
    for (const key of ['"routeDirectories"', '"fetchFile"', '"openAPI"', '"tsconfig"']) expect(run.stdout).toContain(key)
    expect(run.stdout).toContain('<outDir>/pikku-meta.gen.json')
    expect(run.stdout).toMatch(/^ {2}0 {2}done/m)
    expect(run.stdout).toMatch(/^ {2}1 {2}errors in the sources or in pikku\.config\.json/m)
    expect(run.stdout).toMatch(/^ {2}2 {2}bad command line$/m)
    // Help writes nothing.
    expect(existsSync(join(project, '.pikku'))).toBe(false)
    expect(pikku(project, '--version').stdout.trim()).toBe(JSON.parse(readFileSync(join(root, 'packages/cli/package.json'), 'utf8')).version)
  })

  it('refuses an unknown argument with exit 2, a suggestion and a pointer to --help', () => {
    const project = servedAppCopy('pikku-args-')
    const run = pikku(project, '--wach')
    expect(run.status).toBe(2)
    expect(run.stderr).toBe('pikku: unknown argument `--wach`\n  did you mean `--watch`?\n  run `pikku --help` for the usage\n')
    expect(run.stdout).toBe('')
    expect(existsSync(join(project, '.pikku'))).toBe(false)
    const far = pikku(project, '--frobnicate')
    expect(far.status).toBe(2)
    expect(far.stderr).toContain('pikku: unknown argument `--frobnicate`')
    expect(far.stderr).not.toContain('did you mean')
    expect(pikku(project, 'all').stderr).toContain('its one command is `pikku init`')
  })
})

describe('where pikku looks for functions', () => {
  it('finds server.ts at the project root when there is no config and no src/ folder', () => {
    const project = servedAppCopy('pikku-root-')
    // What node_modules holds is never read.
    mkdirSync(join(project, 'node_modules/dep'), { recursive: true })
    writeFileSync(join(project, 'node_modules/dep/index.ts'), "import { pikkuSessionlessFunc } from '@pikku/native'\nexport const depFunc = pikkuSessionlessFunc<{ a: string }, void>(async () => undefined)\n")
    const run = pikku(project)
    expect(run.stderr).toBe('')
    expect(run.stdout).toMatch(/^pikku: 2 files, 7 functions, 7 routes in \d+ ms; wrote \.pikku\/pikku-meta\.gen\.json/)
    expect(run.status).toBe(0)
    const metadata = JSON.parse(readFileSync(join(project, '.pikku/pikku-meta.gen.json'), 'utf8'))
    expect(Object.keys(metadata.functions).sort()).toEqual(['closeAccount', 'countTo', 'getAccount', 'listAccounts', 'renameAccount', 'search', 'signup'])
  })

  it('warns when it finds no functions, naming the folders it searched', () => {
    const project = mkdtempSync(join(tmpdir(), 'pikku-empty-'))
    mkdirSync(join(project, 'src'))
    writeFileSync(join(project, 'src/index.ts'), 'export const answer = 42\n')
    const run = pikku(project)
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/^pikku: 1 file, 0 functions, 0 routes in \d+ ms/)
    expect(run.stderr).toContain('warning[PIKKU_NO_FUNCTIONS]: no functions found in src/ (1 file read;')
    expect(run.stderr).toContain('`pikkuFunc`, `pikkuSessionlessFunc` or `APIFunction`')
    expect(run.stderr).toContain('`addRoute` / `wireHTTP`')
    expect(run.stderr).toContain('list their folders in `srcDirectories` of pikku.config.json')
  })

  it('fails naming a configured folder that does not exist', () => {
    const project = servedAppCopy('pikku-missing-')
    writeFileSync(join(project, 'pikku.config.json'), JSON.stringify({ srcDirectories: ['.', 'server'] }))
    const run = pikku(project)
    expect(run.status).toBe(1)
    expect(run.stderr).toContain(`the source folder \`server\` (in \`srcDirectories\`) does not exist: ${join(project, 'server')}`)
    expect(existsSync(join(project, '.pikku'))).toBe(false)
  })
})

describe('a pikku.config.json of the reference Pikku', () => {
  it('is read: routeDirectories, fetchFile, openAPI and tsconfig; its other keys are warnings', () => {
    const project = mkdtempSync(join(tmpdir(), 'pikku-reference-'))
    cpSync(servedApp, join(project, 'src'), { recursive: true, filter: (source) => !source.includes('expected') && !source.endsWith('.json') })
    mkdirSync(join(project, 'routes'))
    writeFileSync(join(project, 'routes/health.ts'), "import { addRoute, pikkuSessionlessFunc } from '@pikku/native'\nexport const health = pikkuSessionlessFunc<void, { ok: boolean }>(async () => ({ ok: true }))\naddRoute({ method: 'get', route: '/health', func: health, auth: false })\n")
    writeFileSync(join(project, 'tsconfig.json'), '{ "compilerOptions": { "strict": true } }')
    const config = {
      $schema: 'https://example.com/cli.schema.json',
      tsconfig: './tsconfig.json',
      srcDirectories: ['src'],
      routeDirectories: ['routes'],
      outDir: '.pikku',
      fetchFile: 'client/pikku-fetch.gen.ts',
      websocketFile: 'client/pikku-websocket.gen.ts',
      openAPI: {
        outputFile: 'docs/openapi.json',
        additionalInfo: { info: { title: 'Accounts', version: '1.2.3', description: 'The accounts API' }, servers: [{ url: 'http://localhost:4002' }] },
      },
    }
    writeFileSync(join(project, 'pikku.config.json'), JSON.stringify(config, null, 2))
    const run = pikku(project)
    expect(run.status).toBe(0)
    expect(run.stdout).toMatch(/^pikku: 3 files, 8 functions, 8 routes/)
    expect(run.stderr).toMatch(/warning\[PIKKU_CONFIG\]: .*pikku\.config\.json:12:3: `websocketFile` is a setting of the reference Pikku that @pikku\/native does not support; it is ignored/)
    expect(run.stderr).toContain('`openAPI.additionalInfo.servers` is not supported by @pikku/native; it is ignored')
    expect(readFileSync(join(project, 'client/pikku-fetch.gen.ts'), 'utf8')).toContain('"/health": {')
    const openapi = JSON.parse(readFileSync(join(project, 'docs/openapi.json'), 'utf8'))
    expect(openapi.info).toEqual({ title: 'Accounts', version: '1.2.3', description: 'The accounts API' })
    expect(Object.keys(openapi.paths)).toContain('/health')
    expect(existsSync(join(project, 'client/pikku-websocket.gen.ts'))).toBe(false)
  })

  it('an unknown key is an error naming it, the known keys and the close one', () => {
    const project = servedAppCopy('pikku-unknown-key-')
    writeFileSync(join(project, 'pikku.config.json'), '{\n  "srcDirectories": ["."],\n  "outdir": "gen"\n}')
    const run = pikku(project)
    expect(run.status).toBe(1)
    expect(run.stderr).toMatch(/error\[PIKKU_CONFIG\]: .*pikku\.config\.json:3:3: unknown field `outdir`\n {4}= help: did you mean `outDir`\? the keys are `srcDirectories`, `outDir`, `clientFile` and `openapi`/)
  })
})

describe('pikku diagnostics', () => {
  it('report an unsupported type at its declaration and at the function that uses it', () => {
    const project = mkdtempSync(join(tmpdir(), 'pikku-use-site-'))
    mkdirSync(join(project, 'src'))
    writeFileSync(join(project, 'src/models.ts'), "export interface Todo {\n  id: string\n  kind: string extends number ? 'a' : 'b'\n}\n")
    writeFileSync(join(project, 'src/todos.ts'), "import { pikkuSessionlessFunc } from '@pikku/native'\nimport type { Todo } from './models.js'\n\nexport const getTodo = pikkuSessionlessFunc<Pick<Todo, 'id'>, Todo>(async () => {\n  throw new Error('no')\n})\n")
    const run = pikku(project)
    expect(run.status).toBe(1)
    expect(run.stderr).toContain('error[PIKKU_TYPE_UNSUPPORTED]: cannot turn a conditional type into a JSON Schema')
    expect(run.stderr).toContain('   --> src/models.ts:3:9')
    expect(run.stderr).toContain('    = note: used by the input of function `getTodo` at src/todos.ts:4:14')
    expect(run.stderr).toContain('    = note: used by the output of function `getTodo` at src/todos.ts:4:14')
    expect(run.stderr).toContain('1 error found; nothing was written')
  })
})
