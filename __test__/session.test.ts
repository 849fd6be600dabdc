// Sessions decoded by the engine (JWT in a bearer header or a cookie), through real HTTP
// behind node:http and Express. The full hardening table is in crates/pikku-engine/tests/session.rs.
import { createHmac } from 'node:crypto'
import { createServer } from 'node:http'
import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createApp, pikkuFunc } from '@pikku/native'
import { pikkuExpress } from '@pikku/native/express'
import { createRequestListener } from '@pikku/native/node-http'

import { listen, type Running } from './helpers/servers.js'

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256'
const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url')
function sign(claims: Record<string, unknown>, secret = SECRET): string {
  const head = `${b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64(JSON.stringify(claims))}`
  return `${head}.${b64(createHmac('sha256', secret).update(head).digest())}`
}
const now = () => Math.floor(Date.now() / 1000)

const whoAmI = pikkuFunc<Record<string, never>, { userId: unknown }>({ name: 'sessionWhoAmI', func: async (_s, _d, session) => ({ userId: session.userId }) })
const routes = [{ method: 'get' as const, route: '/me', func: whoAmI }]

describe.each(['node-http', 'express'])('engine-decoded sessions behind %s', (kind) => {
  let server: Running
  beforeAll(async () => {
    const app = createApp({ routes, session: { jwt: { algorithm: 'HS256', secret: SECRET, issuer: 'pikku' }, cookie: 'session' } })
    if (kind === 'express') {
      const router = express()
      router.use(pikkuExpress(app))
      server = await listen(createServer(router))
    } else {
      server = await listen(createServer(createRequestListener(app)))
    }
  })
  afterAll(() => server.close())
  const me = (headers: Record<string, string> = {}) => fetch(server.url + '/me', { headers })

  it('passes the claims of a valid bearer token to the function', async () => {
    const res = await me({ authorization: `Bearer ${sign({ userId: 'ada', iss: 'pikku', exp: now() + 60 })}` })
    expect(await res.json()).toEqual({ userId: 'ada' })
  })

  it('reads the token from the session cookie', async () => {
    const res = await me({ cookie: `theme=dark; session=${sign({ userId: 'lin', iss: 'pikku' })}` })
    expect(await res.json()).toEqual({ userId: 'lin' })
  })

  it('answers 401 MissingSessionError without a token', async () => {
    const res = await me()
    expect(res.status).toBe(401)
    expect((await res.json()).name).toBe('MissingSessionError')
  })

  it.each([
    ['expired', () => sign({ userId: 'ada', iss: 'pikku', exp: now() - 600 }), 'expired'],
    ['signed with another key', () => sign({ userId: 'ada', iss: 'pikku' }, 'another-secret-that-is-long-enough-too!'), 'signature'],
    ['from another issuer', () => sign({ userId: 'ada', iss: 'evil' }), 'issuer'],
    ['garbage', () => 'not.a.token', 'malformed'],
  ])('answers 401 InvalidSessionError for a token %s, without a stack', async (_name, token, reason) => {
    const res = await me({ authorization: `Bearer ${token()}` })
    expect(res.status).toBe(401)
    const body = await res.json()
    expect(body).toMatchObject({ name: 'InvalidSessionError', message: expect.stringContaining(reason) })
    expect(JSON.stringify(body)).not.toContain('at ')
  })
})

describe('session settings', () => {
  it('refuses a bad setting at start-up, naming it', () => {
    expect(() => createApp({ routes, session: { jwt: { algorithm: 'HS256', secret: 'short' } } })).toThrow(
      /`session.jwt.secret` is shorter than 32 bytes/,
    )
  })
})
