// Start-up: wiring mistakes and bad metadata fail fast with messages that name the problem.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

import { addRoute, createApp, pikkuFunc, pikkuSessionlessFunc, STARTUP_CODES, type MetadataFile, type RouteWiring } from '@pikku/native'
import { createFetchHandler } from '@pikku/native/fetch'

const noop = pikkuSessionlessFunc<unknown, void>({ input: {}, func: async () => undefined })

function build(routes: RouteWiring[], options = {}) {
  return () => createApp({ routes, ...options })
}

describe('start-up errors', () => {
  it('refuses a route registered twice, naming both', () => {
    expect(
      build([
        { method: 'get', route: '/todos/:id', func: noop, auth: false },
        { method: 'get', route: '/todos/:id', func: noop, auth: false },
      ]),
    ).toThrow('PIKKU_ERR_ROUTE_CONFLICT: route `GET /todos/:id` is registered twice; remove one of the two wirings')
  })

  it('refuses two patterns that match the same paths, naming both', () => {
    expect(
      build([
        { method: 'get', route: '/todos/:id', func: noop, auth: false },
        { method: 'post', route: '/todos/:slug', func: noop, auth: false },
      ]),
    ).toThrow(/route `\/todos\/:slug` conflicts with the registered route `\/todos\/:id`/)
  })

  it('explains a bad pattern', () => {
    expect(build([{ method: 'get', route: 'todos', func: noop, auth: false }])).toThrow(/must start with `\/`/)
  })

  it('explains an invalid input schema', () => {
    const bad = pikkuSessionlessFunc({ input: { type: 'nonsense' }, func: async () => 1 })
    expect(build([{ method: 'get', route: '/x', func: bad, auth: false }])).toThrow(/PIKKU_ERR_SCHEMA_INVALID: schema `GET \/x input`/)
  })

  it('refuses auth: false on a function that needs a session', () => {
    const needsSession = pikkuFunc<unknown, void>({ input: {}, func: async () => undefined })
    // The types refuse this too (see types.test.ts); JavaScript callers get a start-up error.
    const wiring = { method: 'get', route: '/private', func: needsSession, auth: false } as RouteWiring
    expect(build([wiring])).toThrow(/PIKKU_ERR_AUTH: route `GET \/private`: it has `auth: false`/)
  })
})

describe('metadata file', () => {
  const metadata: MetadataFile = {
    version: 1,
    functions: { addNumbers: { inputSchema: 'AddInput', sessionless: true } },
    http: [{ method: 'post', route: '/add', function: 'addNumbers', auth: false }],
    schemas: {
      AddInput: {
        type: 'object',
        properties: { a: { type: 'number' }, b: { type: 'number' } },
        required: ['a', 'b'],
        additionalProperties: false,
      },
    },
  }
  const add = pikkuSessionlessFunc<{ a: number; b: number }, { sum: number }>(async (_s, { a, b }) => ({ sum: a + b }))

  it('gives routes their input schema from the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pikku-meta-'))
    const path = join(dir, 'pikku-meta.json')
    writeFileSync(path, JSON.stringify(metadata))
    const app = createApp({ routes: [{ method: 'post', route: '/add', func: add, auth: false }], metadata: path })
    const handle = createFetchHandler(app)
    const ok = await handle(new Request('http://x/add?a=1', { method: 'POST', body: '{"b":2}', headers: { 'content-type': 'application/json' } }))
    expect(await ok.json()).toEqual({ sum: 3 })
    const bad = await handle(new Request('http://x/add', { method: 'POST', body: '{"a":1}', headers: { 'content-type': 'application/json' } }))
    expect(bad.status).toBe(422)
  })

  it('refuses a file that does not match the format, naming each problem', () => {
    const broken = { ...metadata, functions: { addNumbers: { sessionless: 'yes' } }, http: [{ method: 'fetch', route: '/add', function: 'addNumbers' }] }
    expect(() => createApp({ routes: [], metadata: broken as unknown as MetadataFile })).toThrow(
      /does not match the metadata format[\s\S]*\/functions\/addNumbers\/sessionless[\s\S]*\/http\/0\/method/,
    )
  })

  it('refuses a file that names a missing schema', () => {
    const dangling = { ...metadata, schemas: {} }
    expect(() => createApp({ routes: [], metadata: dangling })).toThrow(/function `addNumbers` names schema `AddInput`, which is not in `schemas`/)
  })
})

describe('addRoute registry', () => {
  // Each vitest file has its own module registry, so this file's routes are the only ones.
  it('replaces a route registered again by the same function (a module evaluated twice)', async () => {
    const version = (n: number) => pikkuSessionlessFunc({ name: 'getVersion', input: {}, func: async () => ({ version: n }) })
    addRoute({ method: 'get', route: '/version', func: version(1), auth: false })
    addRoute({ method: 'get', route: '/version', func: version(2), auth: false })
    const handle = createFetchHandler(createApp())
    expect(await (await handle(new Request('http://x/version'))).json()).toEqual({ version: 2 })
  })

  it('keeps a different function of the same name on the same route a conflict', () => {
    addRoute({ method: 'get', route: '/same-name', func: pikkuSessionlessFunc({ name: 'list', input: {}, func: async () => 1 }), auth: false })
    addRoute({ method: 'get', route: '/same-name', func: pikkuSessionlessFunc({ name: 'list', input: {}, func: async () => 2 }), auth: false })
    expect(() => createApp()).toThrow('route `GET /same-name` is registered twice: by function `list` and by function `list`')
  })

  it('keeps a different function on the same route a conflict', () => {
    addRoute({ method: 'get', route: '/clash', func: pikkuSessionlessFunc({ name: 'first', input: {}, func: async () => 1 }), auth: false })
    addRoute({ method: 'get', route: '/clash', func: pikkuSessionlessFunc({ name: 'second', input: {}, func: async () => 2 }), auth: false })
    expect(() => createApp()).toThrow('route `GET /clash` is registered twice: by function `first` and by function `second`')
  })
})

describe('error codes', () => {
  const root = join(__dirname, '..')

  it('the README table and STARTUP_CODES list the same codes', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8')
    const table = [...readme.matchAll(/^\| `(PIKKU_ERR_[A-Z_]+)` \| (.+) \|$/gm)].map(([, code, text]) => [code, text])
    expect(table).toEqual(Object.entries(STARTUP_CODES))
  })

  it('every code the sources raise is in STARTUP_CODES', () => {
    const raised = new Set<string>()
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name)
        if (entry.isDirectory()) walk(path)
        else if (/\.(ts|rs)$/.test(entry.name) && !entry.name.endsWith('.test.ts')) {
          for (const [code] of readFileSync(path, 'utf8').matchAll(/PIKKU_ERR_[A-Z_]+[A-Z]/g)) raised.add(code)
        }
      }
    }
    for (const dir of ['lib', 'src', 'crates/pikku-engine/src', 'crates/pikku-server/src', 'crates/pikku-scheduler/src']) walk(join(root, dir))
    expect(raised.size).toBeGreaterThan(10)
    expect([...raised].filter((code) => !(code in STARTUP_CODES))).toEqual([])
  })
})
