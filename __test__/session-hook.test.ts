// The app's session hook (`enrichSession`) after the engine's decoding, through real HTTP
// behind node:http, Express, the Fetch API handler and the standalone server: it may enrich,
// supply or end a session, and what it throws is answered through the error table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ForbiddenError, type Session } from '@pikku/native'

import { type Running } from './helpers/servers.js'
import { ADAPTERS, SECRET, bearer, now, start, token } from './helpers/sessions.js'

describe.each(ADAPTERS)('the session hook behind %s', (kind) => {
  let server: Running
  const seen: (Session | undefined)[] = []
  beforeAll(async () => {
    server = await start(
      kind,
      { jwt: { algorithm: 'HS256', secret: SECRET } },
      {
        // A database lookup: the token names the user, the hook adds the role; `x-guest`
        // stands for a source the engine cannot know.
        enrichSession: async (session, { headers }) => {
          seen.push(session)
          if (session?.userId === 'banned') throw new ForbiddenError('This account is locked')
          if (session?.userId === 'revoked') return undefined // ended since the token was issued
          if (session) return { ...session, role: session.userId === 'ada' ? 'admin' : 'user' }
          const odd = headers.get('x-odd')
          if (odd !== undefined) return ({ '': '', false: false, text: 'yes', array: [1] } as unknown as Record<string, never>)[odd]
          return headers.get('x-guest') ? { userId: 'guest' } : undefined
        },
      },
    )
  })
  afterAll(() => server.close())

  it('runs after the engine decoded the token and enriches its session', async () => {
    seen.length = 0
    const res = await fetch(server.url + '/me', { headers: bearer(token({ userId: 'ada', exp: now() + 60 })) })
    expect(await res.json()).toEqual({ userId: 'ada', role: 'admin' })
    expect(seen).toEqual([{ userId: 'ada', exp: expect.any(Number) }])
  })

  it('may supply a session where there was none, or leave it missing (401)', async () => {
    expect(await (await fetch(server.url + '/me', { headers: { 'x-guest': '1' } })).json()).toEqual({ userId: 'guest', role: undefined })
    const res = await fetch(server.url + '/me')
    expect(res.status).toBe(401)
    expect((await res.json()).name).toBe('MissingSessionError')
  })

  it('may end a session the engine decoded: the same 401 as no session at all', async () => {
    const ended = await fetch(server.url + '/me', { headers: { ...bearer(token({ userId: 'revoked', exp: now() + 60 })), 'x-request-id': 'req-revoked' } })
    const none = await fetch(server.url + '/me')
    expect(ended.status).toBe(401)
    const [endedBody, noneBody] = [await ended.json(), await none.json()]
    expect(endedBody).toMatchObject({ name: 'MissingSessionError', errorId: 'req-revoked' })
    expect(endedBody.message).toBe(noneBody.message)
    expect(endedBody.message).toMatch(/requires a session and the request has none; sign in first$/)
  })

  it('reads the body as received when the hook supplies the session (bytes that are not UTF-8 are refused)', async () => {
    const body = Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]) // {"a":"<0xff>"}
    const res = await fetch(server.url + '/logout', { method: 'POST', headers: { 'content-type': 'application/json', 'x-guest': '1' }, body })
    expect(res.status).toBe(400)
    expect((await res.json()).message).toBe('The body is not valid UTF-8 (at byte 6)')
  })

  it('answers 401 before validating when neither the engine nor the hook finds a session', async () => {
    const res = await fetch(server.url + '/logout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"extra":1}' })
    expect(res.status).toBe(401)
    expect((await res.json()).name).toBe('MissingSessionError')
  })

  it.each([
    ['an empty string', ''],
    ['false', 'false'],
    ['a string', 'text'],
    ['an array', 'array'],
  ])('never takes %s from the hook as a session', async (_name, kind) => {
    const res = await fetch(server.url + '/me', { headers: { 'x-odd': kind } })
    expect(res.status).toBe(kind === '' || kind === 'false' ? 401 : 500)
  })

  it('answers what it throws through the error table, and is not reached by a bad token', async () => {
    const res = await fetch(server.url + '/me', { headers: bearer(token({ userId: 'banned', exp: now() + 60 })) })
    expect(res.status).toBe(403)
    expect((await res.json()).message).toBe('This account is locked')
    seen.length = 0
    expect((await fetch(server.url + '/me', { headers: bearer(token({ userId: 'ada', exp: now() + 60 }, { secret: 'x'.repeat(40) })) })).status).toBe(401)
    expect(seen).toEqual([])
  })
})
