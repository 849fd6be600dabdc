// The `pikku` command end to end: it reads a project's types, writes the metadata file and
// the typed client, and the runtime validates requests with the schemas it wrote (JSDoc
// constraints included). The project is the `served-app` fixture of the code generator, whose
// expected outputs are committed (and checked fresh by `cargo test`).
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

import { createApp } from '@pikku/native'
import { createFetchHandler } from '@pikku/native/fetch'

const root = join(__dirname, '..')
const servedApp = join(root, 'crates/pikku-codegen/tests/fixtures/served-app')
const pikku = (cwd: string) => spawnSync(process.execPath, [join(root, 'bin/pikku.js')], { cwd, encoding: 'utf8' })

describe('pikku (code generator)', () => {
  it('writes the metadata file and the client from the types, then reports them up to date', () => {
    const project = mkdtempSync(join(tmpdir(), 'pikku-app-'))
    cpSync(servedApp, project, { recursive: true, filter: (source) => !source.includes('expected') })
    const first = pikku(project)
    expect(first.stdout).toMatch(/^pikku: 2 files, 5 functions, 6 routes in \d+ ms; wrote \.pikku\/pikku-meta\.gen\.json, \.pikku\/pikku-fetch\.gen\.ts/)
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
    expect(readFileSync(join(project, 'web/api.gen.ts'), 'utf8')).toContain('export const pikkuFetch = new PikkuFetch<Routes>()')
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
    const child = spawn(process.execPath, [join(root, 'bin/pikku.js'), '--watch'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'] })
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
      expect(JSON.stringify(metadata.schemas.SignupInput)).toContain('"minLength":3')
    } finally {
      child.kill()
    }
  })
})
