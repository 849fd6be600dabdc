// The `pikku` command end to end: it reads a project's types, writes the metadata file, and
// the runtime validates requests with the schemas it wrote (JSDoc constraints included).
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'

import { createApp } from '@pikku/native'
import { createFetchHandler } from '@pikku/native/fetch'

const root = join(__dirname, '..')
const pikku = (cwd: string) => spawnSync(process.execPath, [join(root, 'bin/pikku.js')], { cwd, encoding: 'utf8' })

describe('pikku (code generator)', () => {
  const app = join(__dirname, 'fixtures/codegen-app')
  const metadataPath = join(app, '.pikku/pikku-meta.gen.json')

  beforeAll(() => {
    rmSync(join(app, '.pikku'), { recursive: true, force: true })
  })

  it('writes the metadata file from the types, then reports it up to date', () => {
    const first = pikku(app)
    expect(first.status).toBe(0)
    expect(first.stdout).toMatch(/^pikku: 2 files, 2 functions, 2 routes in \d+ ms; wrote \.pikku\/pikku-meta\.gen\.json/)
    const metadata = JSON.parse(readFileSync(metadataPath, 'utf8'))
    expect(metadata.functions.signup).toMatchObject({ inputSchema: 'SignupInput', sessionless: true, source: 'src/functions.ts:6:14' })
    expect(pikku(app).stdout).toMatch(/output up to date/)
  })

  it('serves the routes with the generated schemas: a JSDoc constraint violation is a 422', async () => {
    if (!existsSync(metadataPath)) pikku(app)
    await import('./fixtures/codegen-app/src/functions.js')
    const handle = createFetchHandler(createApp({ metadata: metadataPath }))
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
