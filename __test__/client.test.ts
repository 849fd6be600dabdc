// The generated fetch client: typed by the route map (type tests below are checked by tsc in
// the test command), and talking to a real server on 127.0.0.1.
import { createServer } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest'

import { createApp } from '@pikku/native'
import { PikkuFetch, PikkuFetchError } from '@pikku/native/client'
import { createRequestListener } from '@pikku/native/node-http'

import { pikkuFetch, type Account, type Routes } from '../crates/pikku-codegen/tests/fixtures/served-app/expected-client.gen.js'
import '../crates/pikku-codegen/tests/fixtures/served-app/functions.js'
import { listen, type Running } from './helpers/servers.js'

const metadata = join(__dirname, '../crates/pikku-codegen/tests/fixtures/served-app/expected.json')

describe('generated fetch client', () => {
  let server: Running
  beforeAll(async () => {
    server = await listen(createServer(createRequestListener(createApp({ metadata }))))
    pikkuFetch.setServerUrl(server.url)
  })
  afterAll(() => server.close())

  it('fills :params from the data and sends the rest as query or body', async () => {
    const account = await pikkuFetch.get('/accounts/:id', { id: 7 })
    expectTypeOf(account).toEqualTypeOf<{ id: number; name: string }>()
    expect(account).toEqual({ id: 7, name: 'Ada' })
    const created = await pikkuFetch.post('/signup', { name: 'Lin', email: 'lin@example.com', age: 40, plan: 'free' })
    expectTypeOf(created).toEqualTypeOf<Account>()
    expect(created).toMatchObject({ id: 1, name: 'Lin' })
    expect(await pikkuFetch.get('/accounts', { plan: 'pro', limit: 5 })).toEqual([])
    expect(await pikkuFetch.delete('/accounts/:id', { id: 3 })).toBeUndefined()
  })

  it('takes no data argument when the input has no required property', async () => {
    // `/accounts` takes `{ plan?, limit? }`, `/search` `{ ownerId?, tags? }`.
    expect(await pikkuFetch.get('/accounts')).toEqual([])
    expect(await pikkuFetch.get('/search')).toEqual({})
    expect(await pikkuFetch.post('/search')).toEqual({})
  })

  it('leaves null and undefined out of the query string; a JSON body keeps null', async () => {
    const urls: string[] = []
    const client = new PikkuFetch<Routes>((input, init) => {
      urls.push(String(input))
      return fetch(input, init)
    })
    client.setServerUrl(server.url)
    // Sent as `ownerId=null`, the string would not be a number: a 422.
    expect(await client.get('/search', { ownerId: null, tags: ['a', null, 'b', undefined as never] })).toEqual({ tags: ['a', 'b'] })
    expect(await client.get('/search', { ownerId: undefined, tags: [null] })).toEqual({})
    expect(urls.map((url) => url.slice(server.url.length))).toEqual(['/search?tags=a&tags=b', '/search'])
    expect(await client.post('/search', { ownerId: null, tags: ['a', null] })).toEqual({ ownerId: null, tags: ['a', null] })
    // A path parameter has no form for null either.
    await expect(client.get('/accounts/:id', { id: null as never })).rejects.toThrow('pikkuFetch: GET /accounts/:id needs `id`')
  })

  it('throws PikkuFetchError with the status and the error body', async () => {
    const error = await pikkuFetch.post('/signup', { name: 'L', email: 'lin@example.com', age: 40, plan: 'free' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PikkuFetchError)
    expect((error as PikkuFetchError).status).toBe(422)
    expect((error as PikkuFetchError).body).toMatchObject({ name: 'UnprocessableContentError' })
  })

  it('refuses wrong routes, methods and inputs at compile time', () => {
    const never = (fn: () => unknown) => fn
    // @ts-expect-error no such route
    never(() => pikkuFetch.get('/nope', {}))
    // @ts-expect-error /signup answers POST, not GET
    never(() => pikkuFetch.get('/signup', {}))
    // @ts-expect-error `id` must be a number
    never(() => pikkuFetch.get('/accounts/:id', { id: 'seven' }))
    // @ts-expect-error `plan` must be 'free' or 'pro'
    never(() => pikkuFetch.post('/signup', { name: 'x', email: 'x@example.com', age: 20, plan: 'gold' }))
    // @ts-expect-error `email` is missing
    never(() => pikkuFetch.post('/signup', { name: 'x', age: 20, plan: 'free' }))
    // @ts-expect-error unknown input key
    never(() => pikkuFetch.get('/accounts', { plan: 'pro', color: 'red' }))
    // @ts-expect-error `id` is required, so the data is too
    never(() => pikkuFetch.get('/accounts/:id'))
    // @ts-expect-error `/signup` has required properties
    never(() => pikkuFetch.post('/signup'))
    // @ts-expect-error an all-optional input is still typed when given
    never(() => pikkuFetch.get('/search', { ownerId: 'me' }))
    // @ts-expect-error only `sse: true` routes can be subscribed to
    never(() => pikkuFetch.subscribe('/accounts', {}, { onEvent: () => {} }))
    // @ts-expect-error `count` must be a number
    never(() => pikkuFetch.subscribe('/count', { count: 'three' }, { onEvent: () => {} }))
  })

  it('subscribes to an event stream: typed events, ids, the result last, done when the function returns', async () => {
    const got: { n: number; id: string | undefined }[] = []
    const subscription = pikkuFetch.subscribe('/count', { count: 3 }, {
      onEvent: ({ data, id }) => {
        expectTypeOf(data).toEqualTypeOf<{ n: number }>()
        got.push({ n: data.n, id })
      },
    })
    await subscription.done
    // The returned value has no id of its own: the last id stays the one before it.
    expect(got).toEqual([
      { n: 1, id: '1' },
      { n: 2, id: '2' },
      { n: 3, id: '2' },
    ])
  })

  it('reports an answer refused before the stream as PikkuFetchError and stops', async () => {
    const errors: unknown[] = []
    const subscription = pikkuFetch.subscribe('/count', { count: 'three' as never }, { onEvent: () => {}, onError: (error) => errors.push(error) })
    await subscription.done
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(PikkuFetchError)
    expect((errors[0] as PikkuFetchError).status).toBe(422)
  })

  it('calls exposed functions by name: typed `rpc.invoke`, errors as PikkuFetchError', async () => {
    const renamed = await pikkuFetch.rpc.invoke('renameAccount', { id: 2, name: 'Lin' })
    expectTypeOf(renamed).toEqualTypeOf<{ id: number; name: string }>()
    expect(renamed).toEqual({ id: 2, name: 'Lin' })
    const error = await pikkuFetch.rpc.invoke('renameAccount', { id: 2, name: 'L' }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(PikkuFetchError)
    expect((error as PikkuFetchError).status).toBe(422)
    const never = (fn: () => unknown) => fn
    // @ts-expect-error only exposed functions are in the map
    never(() => pikkuFetch.rpc.invoke('getAccount', { id: 1 }))
    // @ts-expect-error `name` is missing
    never(() => pikkuFetch.rpc.invoke('renameAccount', { id: 1 }))
  })

  it('closes a subscription on `close()`', async () => {
    const subscription = pikkuFetch.subscribe('/count', { count: 1000 }, { onEvent: () => subscription.close() })
    await subscription.done
  })
})
