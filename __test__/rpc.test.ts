// Functions calling functions by name (`rpc.invoke`), and `POST /rpc/:name` for the exposed
// ones: validation, the auth gate and permissions as on any call, the caller's session,
// bounded depth. Over real HTTP behind node:http, Express, Fetch and the standalone server.
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest'

import {
  createApp,
  MissingSessionError,
  MOST_RPC_DEPTH,
  NotFoundError,
  pikkuFunc,
  pikkuSessionlessFunc,
  UnprocessableContentError,
  type PikkuApp,
} from '@pikku/native'

import { bearer, good, SECRET, token } from './helpers/sessions.js'
import { serve, type AdapterKind, type Running } from './helpers/servers.js'

const getNote = pikkuSessionlessFunc({
  name: 'rpcGetNote',
  expose: true,
  input: { type: 'object', properties: { id: { type: 'integer', minimum: 1 } }, required: ['id'], additionalProperties: false },
  func: async (_services, { id }: { id: number }) => ({ id, text: `note ${id}` }),
})

/** Needs a session, and an `owner` permission. */
const ownNote = pikkuFunc({
  name: 'rpcOwnNote',
  expose: true,
  input: { type: 'object', properties: { owner: { type: 'string' } }, required: ['owner'], additionalProperties: false },
  permissions: { owner: (_services, data: { owner: string }, session) => session?.userId === data.owner },
  func: async (_services, { owner }: { owner: string }, session) => ({ owner, by: session.userId }),
})

/** Callable by name from functions, not served over HTTP. */
const internal = pikkuSessionlessFunc({
  name: 'rpcInternal',
  input: { type: 'object', additionalProperties: false },
  func: async () => ({ internal: true }),
})

/** Calls others by name, with its own session. */
const summary = pikkuSessionlessFunc({
  name: 'rpcSummary',
  expose: true,
  input: { type: 'object', properties: { id: {}, owner: { type: 'string' } }, additionalProperties: false },
  func: async ({ rpc }, { id, owner }: { id?: unknown; owner?: string }) => {
    const note = await rpc.invoke('rpcGetNote', { id: (id ?? 1) as number }) // checked by its schema
    const own = owner === undefined ? undefined : await rpc.invoke('rpcOwnNote', { owner })
    const hidden = await rpc.invoke('rpcInternal', {})
    return { note, own, hidden }
  },
})

/** Calls itself without end. */
const loop = pikkuSessionlessFunc({
  name: 'rpcLoop',
  expose: true,
  input: { type: 'object', properties: { depth: { type: 'integer' } }, additionalProperties: false },
  func: async ({ rpc }, { depth }: { depth?: number }): Promise<unknown> => rpc.invoke('rpcLoop', { depth: (depth ?? 0) + 1 }),
})

const makeApp = (): PikkuApp =>
  createApp({
    routes: [{ method: 'get', route: '/summary', func: summary, auth: false }],
    channels: [],
    session: { jwt: { algorithm: 'HS256', secret: SECRET, issuer: 'pikku', audience: 'app' } },
    logger: { error: () => {} },
  })

// Typed by the map the code generator writes into pikku-functions.gen.ts (here by hand).
declare module '@pikku/native' {
  interface RPCFunctions {
    rpcGetNote: typeof getNote
    rpcOwnNote: typeof ownNote
    rpcInternal: typeof internal
    rpcLoop: typeof loop
  }
}

describe('rpc.invoke between functions', () => {
  const app = makeApp()

  it('runs the function by name with validation, and is typed by the map', async () => {
    expect(await app.call(summary, {}, { auth: false })).toEqual({ note: { id: 1, text: 'note 1' }, hidden: { internal: true } })
    await expect(app.call(summary, { id: 'x' }, { auth: false })).rejects.toBeInstanceOf(UnprocessableContentError)
    const typed = pikkuSessionlessFunc<{ id: number }, string>(async ({ rpc }, { id }) => {
      const note = await rpc.invoke('rpcGetNote', { id })
      expectTypeOf(note).toEqualTypeOf<{ id: number; text: string }>()
      // @ts-expect-error `id` is a number
      void rpc.invoke('rpcGetNote', { id: 'one' })
      // @ts-expect-error no function of that name
      void rpc.invoke('rpcNope', {})
      return note.text
    })
    expect(typed).toBeTypeOf('function')
  })

  it("passes the caller's session: a function that needs one gets it, or refuses without", async () => {
    const session = { userId: 'ada' }
    expect(await app.call(summary, { owner: 'ada' }, { auth: false, session })).toMatchObject({ own: { owner: 'ada', by: 'ada' } })
    await expect(app.call(summary, { owner: 'ada' }, { auth: false })).rejects.toBeInstanceOf(MissingSessionError)
    await expect(app.call(summary, { owner: 'bob' }, { auth: false, session })).rejects.toMatchObject({ name: 'ForbiddenError' })
  })

  it(`stops a function that calls itself at ${MOST_RPC_DEPTH} calls deep`, async () => {
    await expect(app.call(loop, {}, { auth: false })).rejects.toThrow(`nest ${MOST_RPC_DEPTH} deep at \`rpcLoop\``)
  })

  it('refuses an unknown name with NotFoundError', async () => {
    const unknown = pikkuSessionlessFunc({ input: { type: 'object' }, func: async ({ rpc }) => (rpc.invoke as (name: string, data: unknown) => Promise<unknown>)('rpcNope', {}) })
    await expect(createApp({ routes: [{ method: 'get', route: '/u', func: unknown, auth: false }], channels: [] }).call(unknown, {}, { auth: false })).rejects.toBeInstanceOf(NotFoundError)
  })
})

const ADAPTERS: AdapterKind[] = ['node-http', 'express', 'fetch', 'standalone']

describe.each(ADAPTERS)('POST /rpc/:name behind %s', (kind) => {
  let server: Running
  beforeAll(async () => {
    server = await serve(kind, makeApp())
  })
  afterAll(() => server?.close())

  const post = (name: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}/rpc/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })

  it('runs an exposed function with `{ data }`', async () => {
    const res = await post('rpcGetNote', { data: { id: 3 } })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ id: 3, text: 'note 3' })
    // The reference's clients name the function in the body too.
    expect((await post('rpcGetNote', { rpcName: 'rpcGetNote', data: { id: 3 } })).status).toBe(200)
    expect((await post('rpcGetNote', { rpcName: 'rpcOwnNote', data: { id: 3 } })).status).toBe(400)
  })

  it('answers 404 for a function that is not exposed, or does not exist', async () => {
    const hidden = await post('rpcInternal', { data: {} })
    expect(hidden.status).toBe(404)
    expect(await hidden.json()).toMatchObject({ name: 'NotFoundError', message: 'no exposed function `rpcInternal`' })
    expect((await post('rpcNope', { data: {} })).status).toBe(404)
  })

  it('validates the data (422), and the body itself', async () => {
    const invalid = await post('rpcGetNote', { data: { id: 0 } })
    expect(invalid.status).toBe(422)
    expect(await invalid.json()).toMatchObject({ name: 'UnprocessableContentError' })
    expect((await post('rpcGetNote', { data: { id: 1 }, extra: true })).status).toBe(422)
  })

  it('applies the session gate and permissions with the request session', async () => {
    expect((await post('rpcOwnNote', { data: { owner: 'ada' } })).status).toBe(401)
    const ok = await post('rpcOwnNote', { data: { owner: 'ada' } }, bearer(token(good())))
    expect(ok.status).toBe(200)
    expect(await ok.json()).toEqual({ owner: 'ada', by: 'ada' })
    expect((await post('rpcOwnNote', { data: { owner: 'bob' } }, bearer(token(good())))).status).toBe(403)
  })
})
