// List functions (`pikkuListFunc`) through real HTTP: the code generator's fixture project
// (crates/pikku-codegen/tests/fixtures/list-functions) with the schemas it generated, paged
// through by the generated client's `pages`, by cursor and by offset.
import { createServer } from 'node:http'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest'

import { createApp } from '@pikku/native'
import { PikkuFetch } from '@pikku/native/client'
import { createRequestListener } from '@pikku/native/node-http'

import type { Routes, Todo } from '../crates/pikku-codegen/tests/fixtures/list-functions/expected-client.gen.js'
import '../crates/pikku-codegen/tests/fixtures/list-functions/functions.js'
import { listen, type Running } from './helpers/servers.js'

const fixture = join(__dirname, '../crates/pikku-codegen/tests/fixtures/list-functions')

describe('list functions', () => {
  let server: Running
  const client = new PikkuFetch<Routes>()
  beforeAll(async () => {
    server = await listen(createServer(createRequestListener(createApp({ metadata: join(fixture, 'expected.json') }))))
    client.setServerUrl(server.url)
  })
  afterAll(() => server.close())

  const ids = async (pages: AsyncIterable<{ rows: Todo[] }>) => {
    const all: number[][] = []
    for await (const page of pages) all.push(page.rows.map((todo) => todo.id))
    return all
  }

  it('pages by cursor, with the filters kept on every page', async () => {
    expect(await ids(client.pages('/todos', { limit: 3 }))).toEqual([[1, 2, 3], [4, 5, 6], [7]])
    expect(await ids(client.pages('/todos', { done: true, limit: 3 }))).toEqual([[1, 3, 5], [7]])
    const first = await client.get('/todos', { limit: 2 })
    expect(first).toMatchObject({ nextCursor: '2' })
    expectTypeOf(first.rows).toEqualTypeOf<Todo[]>()
  })

  it('pages by offset up to the total', async () => {
    expect(await ids(client.pages('/todos/pages', { limit: 3 }))).toEqual([[1, 2, 3], [4, 5, 6], [7]])
    expect(await ids(client.pages('/todos/pages', { limit: 7 }))).toEqual([[1, 2, 3, 4, 5, 6, 7]])
  })

  it('validates the paging from the generated schema: whole numbers, limit from 1, offset from 0', async () => {
    for (const query of ['limit=0', 'limit=1.5', 'offset=-1', 'page=2']) {
      expect((await fetch(`${server.url}/todos?${query}`)).status, query).toBe(422)
    }
  })

  it('types the paging input of `pages`', () => {
    const never = (fn: () => unknown) => fn
    // @ts-expect-error `limit` is a number
    never(() => client.pages('/todos', { limit: 'ten' }))
    expect(typeof client.pages).toBe('function')
  })
})
