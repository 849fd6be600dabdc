// The Zod fixture app over real HTTP: `pikku` writes its committed metadata, and the app
// answers the same with Zod's schemas (run time) and the generated ones (accepted inputs 200,
// rejected ones 422). Each builder's schema against Zod's own: zod.test.ts.
import { cpSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createApp, type AnyAPIFunction } from '@pikku/native'

import { pikku, root } from './helpers/pikku-cli.js'
import { serve, type Running } from './helpers/servers.js'

const fixture = join(root, 'crates/pikku-codegen/tests/fixtures/zod')

/** [method, path, body or query, accepted?] */
type Case = [string, string, Record<string, unknown>, boolean]
const uuid = '123e4567-e89b-12d3-a456-426614174000'
const CASES: Case[] = [
  ['post', '/zod/strings', { name: 'abc', code: 'abc', slug: 'a-b', note: 'x' }, true],
  ['post', '/zod/strings', { name: 'a' }, false],
  ['post', '/zod/strings', { name: 'abcdef' }, false],
  ['post', '/zod/strings', { name: 'abc', code: 'ab' }, false],
  ['post', '/zod/strings', { name: 'abc', slug: 'A B' }, false],
  ['post', '/zod/strings', { name: 'abc', note: '' }, false],
  ['post', '/zod/formats', { email: 'ada@example.com', email2: 'b@c.io', uuid, uuid2: uuid, url: 'https://pikku.dev', url2: 'http://x.y' }, true],
  ['post', '/zod/formats', { email: 'not-an-email' }, false],
  ['post', '/zod/formats', { email: 'ada@example.com', email2: 'x@' }, false],
  ['post', '/zod/formats', { email: 'ada@example.com', uuid: 'nope' }, false],
  ['post', '/zod/formats', { email: 'ada@example.com', uuid2: '123' }, false],
  ['post', '/zod/formats', { email: 'ada@example.com', url: 'not a url' }, false],
  ['post', '/zod/numbers', { count: 3, ratio: 0.5, between: 15, positive: 1, nonnegative: 0, negative: -1, nonpositive: 0, step: 10, whole: 7 }, true],
  ['post', '/zod/numbers', { count: 1.5 }, false],
  ['post', '/zod/numbers', { count: 11 }, false],
  ['post', '/zod/numbers', { count: 0 }, false],
  ['post', '/zod/numbers', { count: 3, ratio: 1 }, false],
  ['post', '/zod/numbers', { count: 3, between: 9 }, false],
  ['post', '/zod/numbers', { count: 3, positive: 0 }, false],
  ['post', '/zod/numbers', { count: 3, nonnegative: -1 }, false],
  ['post', '/zod/numbers', { count: 3, negative: 0 }, false],
  ['post', '/zod/numbers', { count: 3, nonpositive: 1 }, false],
  ['post', '/zod/numbers', { count: 3, step: 7 }, false],
  ['post', '/zod/numbers', { count: 3, whole: 1.5 }, false],
  ['post', '/zod/scalars', { flag: true, tag: 'work', kind: 'a', fixed: 'x', three: 3 }, true],
  ['post', '/zod/scalars', { flag: 'yes', tag: 'work' }, false],
  ['post', '/zod/scalars', { flag: true, tag: 'play' }, false],
  ['post', '/zod/scalars', { flag: true, tag: 'home', kind: 'c' }, false],
  ['post', '/zod/scalars', { flag: true, tag: 'home', fixed: 'y' }, false],
  ['post', '/zod/scalars', { flag: true, tag: 'home', three: 4 }, false],
  ['post', '/zod/lists', { names: ['a'], scores: [1], pair: ['a', 1], counts: { a: 1 } }, true],
  ['post', '/zod/lists', { names: [] }, false],
  ['post', '/zod/lists', { names: ['a', 'b', 'c', 'd'] }, false],
  ['post', '/zod/lists', { names: ['a'], scores: [] }, false],
  ['post', '/zod/lists', { names: ['a'], pair: ['a', 'b'] }, false],
  ['post', '/zod/lists', { names: ['a'], pair: ['a', 1, 2] }, false],
  ['post', '/zod/lists', { names: ['a'], counts: { a: 'x' } }, false],
  ['post', '/zod/modifiers', { required: 'r', nullable: null, nullish: null }, true],
  ['post', '/zod/modifiers', { required: 'r', maybe: 'm', nullable: 'n', nullish: 1, withDefault: 'w' }, true],
  ['post', '/zod/modifiers', { required: 'r' }, false],
  ['post', '/zod/modifiers', { required: 'r', nullable: null, maybe: null }, false],
  ['post', '/zod/modifiers', { required: 'r', nullable: null, withDefault: 1 }, false],
  ['post', '/zod/unions', { either: 1 }, true],
  ['post', '/zod/unions', { either: 'a', shape: { kind: 'circle', radius: 1 } }, true],
  ['post', '/zod/unions', { either: true }, false],
  ['post', '/zod/unions', { either: 1, shape: { kind: 'circle', side: 1 } }, false],
  ['post', '/zod/unions', { either: 1, shape: { kind: 'star' } }, false],
  ['post', '/zod/dates', { at: '2024-01-02T03:04:05Z', on: '2024-02-29', legacy: '2024-01-02T03:04:05.123Z' }, true],
  ['post', '/zod/dates', { at: '2024-01-02' }, false],
  ['post', '/zod/dates', { at: '2024-01-02T03:04:05Z', on: '2023-02-29' }, false],
  ['post', '/zod/dates', { at: '2024-01-02T03:04:05Z', legacy: 'yesterday' }, false],
  ['post', '/zod/loose', { a: 'x', extra: 1 }, true],
  ['post', '/zod/loose', { extra: 1 }, false],
  ['post', '/todos', { title: 'Write', done: false, tags: ['work'], priority: 2 }, true],
  ['post', '/todos', { title: 'Write', done: false, extra: 1 }, false],
  ['post', '/todos', { title: '', done: false }, false],
  ['post', '/todos', { title: 'Write', done: false, tags: ['work', 'home', 'work', 'home'] }, false],
  ['post', '/todos', { title: 'Write', done: false, priority: 6 }, false],
  ['patch', '/todos/7', { done: true }, true],
  ['patch', '/todos/7', { title: '' }, false],
  ['get', '/todos/7', {}, true],
  ['get', '/search', { q: 'milk', done: 'true' }, true],
  ['get', '/search', { done: 'true' }, false],
]

describe('the Zod fixture app over HTTP', () => {
  let functions: AnyAPIFunction[]
  let running: Running[] = []

  beforeAll(async () => {
    const modules = [await import('../crates/pikku-codegen/tests/fixtures/zod/functions.js'), await import('../crates/pikku-codegen/tests/fixtures/zod/v4.js')]
    functions = modules.flatMap((m) => Object.values(m as Record<string, unknown>)).filter((f): f is AnyAPIFunction => typeof f === 'function')
  })
  afterAll(async () => {
    await Promise.all(running.map((r) => r.close()))
  })

  it('`pikku` writes the committed metadata (a `/todos/:id` route on a Zod input included)', () => {
    const project = mkdtempSync(join(tmpdir(), 'pikku-zod-app-'))
    cpSync(fixture, project, { recursive: true, filter: (s) => !s.includes('expected') })
    const run = pikku(project)
    expect(run.stderr).toBe('')
    expect(run.stdout).toMatch(/^pikku: 3 files, 13 functions, 13 routes in \d+ ms; wrote/)
    expect(readFileSync(join(project, '.pikku/pikku-meta.gen.json'), 'utf8')).toBe(readFileSync(join(fixture, 'expected.json'), 'utf8'))
    expect(readFileSync(join(project, '.pikku/pikku-fetch.gen.ts'), 'utf8')).toContain("get: { input: GetTodoInput; output: GetTodoOutput }")
  })

  it('accepts and rejects the same inputs with Zod’s schema (run time) and the generated one', async () => {
    const metadata = join(fixture, 'expected.json')
    const request = async (url: string, [method, path, data]: Case) => {
      const query = method === 'get' ? `?${new URLSearchParams(data as Record<string, string>)}` : ''
      const body = method === 'get' ? undefined : JSON.stringify(data)
      const res = await fetch(`${url}${path}${query}`, { method: method.toUpperCase(), headers: { 'content-type': 'application/json' }, body })
      return { status: res.status, body: await res.json() }
    }
    // With the inline Zod schemas (what runs in production).
    const withZod = await serve('node-http', createApp({ metadata }))
    running.push(withZod)
    const zodAnswers = []
    for (const c of CASES) zodAnswers.push(await request(withZod.url, c))
    // The same functions without their inline schemas: the engine uses the generated ones.
    const meta = (f: AnyAPIFunction) => (f as unknown as Record<symbol, { input?: unknown }>)[Symbol.for('pikku.function')]!
    const inputs = new Map(functions.map((f) => [f, meta(f).input]))
    for (const f of inputs.keys()) delete meta(f).input
    try {
      const generated = await serve('node-http', createApp({ metadata }))
      running.push(generated)
      for (const [i, c] of CASES.entries()) {
        const answer = await request(generated.url, c)
        const label = `${c[0].toUpperCase()} ${c[1]} ${JSON.stringify(c[2])}`
        expect(zodAnswers[i]!.status, label).toBe(c[3] ? 200 : 422)
        expect(answer.status, label).toBe(zodAnswers[i]!.status)
        if (!c[3]) expect(answer.body.payload.errors, label).toEqual(zodAnswers[i]!.body.payload.errors)
      }
    } finally {
      for (const [f, input] of inputs) meta(f).input = input
    }
    expect(zodAnswers[CASES.findIndex((c) => c[0] === 'get' && c[1] === '/todos/7')]!.body).toEqual({ id: '7', title: 'Write the docs', done: false })
  })
})
