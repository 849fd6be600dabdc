// Sessions decoded by the engine, through real HTTP behind node:http, Express, the Fetch API
// handler and the standalone server: every source (bearer JWT, JWT cookie, JWK set, API key
// in a header or the query), every hardening case of the auth issue with its status, and the
// settings refused at start-up. Signed session cookies and setSession / clearSession:
// session-cookies.test.ts; the session hook: session-hook.test.ts.
import { createPublicKey } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createApp, type AppOptions } from '@pikku/native'

import { type Running } from './helpers/servers.js'
import { ADAPTERS, API_KEY, JWKS, RSA_PUBLIC, SECRET, b64, bearer, good, now, routes, rs256, start, token } from './helpers/sessions.js'

describe.each(ADAPTERS)('engine-decoded JWT sessions behind %s', (kind) => {
  let server: Running
  let rsa: Running
  beforeAll(async () => {
    server = await start(kind, { jwt: { algorithm: 'HS256', secret: SECRET, issuer: 'pikku', audience: 'app' }, jwtCookie: 'session' })
    rsa = await start(kind, { jwt: { algorithm: 'RS256', publicKeyPem: RSA_PUBLIC } })
  })
  afterAll(async () => {
    await server.close()
    await rsa.close()
  })
  const me = (headers: Record<string, string> = {}, base = server.url) => fetch(base + '/me', { headers })

  it('passes the claims of a valid bearer token to the function', async () => {
    expect(await (await me(bearer(token(good())))).json()).toEqual({ userId: 'ada' })
  })

  it('reads the token from the session cookie, among 1,000 others', async () => {
    expect(await (await me({ cookie: `theme=dark; session=${token(good({ userId: 'lin' }))}` })).json()).toEqual({ userId: 'lin' })
    const many = Array.from({ length: 1000 }, (_, i) => `c${i}=v${i}`).join('; ')
    expect(await (await me({ cookie: `${many}; session=${token(good())}` })).json()).toEqual({ userId: 'ada' })
  })

  it('finds the session cookie beside a cookie with a byte above 0x7F, as Node does', async () => {
    const res = await me({ cookie: `lang=\u00e9; session=${token(good({ userId: 'lin' }))}` })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ userId: 'lin' })
  })

  it('calls a token with a byte above 0x7F invalid, not missing', async () => {
    const res = await me({ authorization: 'Bearer t\u00f6ken' })
    expect(res.status).toBe(401)
    expect((await res.json()).name).toBe('InvalidSessionError')
  })

  it('answers 401 MissingSessionError without a token', async () => {
    const res = await me()
    expect(res.status).toBe(401)
    expect((await res.json()).name).toBe('MissingSessionError')
  })

  const tampered = () => {
    const t = token(good())
    return t.slice(0, -4) + (t.endsWith('AAAA') ? 'BBBB' : 'AAAA')
  }
  it.each([
    ['with a tampered signature', tampered, 'signature'],
    ['signed with another key', () => token(good(), { secret: 'another-secret-that-is-long-enough-too!' }), 'signature'],
    ['with alg none', () => `${b64('{"alg":"none","typ":"JWT"}')}.${b64(JSON.stringify(good()))}.`, 'malformed'],
    ['that has expired', () => token(good({ exp: now() - 600 })), 'expired'],
    ['that is not valid yet', () => token(good({ nbf: now() + 600 })), 'not valid yet'],
    ['from another issuer', () => token(good({ iss: 'evil' })), 'issuer'],
    ['for another audience', () => token(good({ aud: 'other' })), 'audience'],
    ['whose payload is not an object', () => token('[1,2]'), 'malformed'],
    ['with __proto__ in its claims', () => token(`{"userId":"ada","iss":"pikku","aud":"app","exp":${now() + 60},"__proto__":{"admin":true}}`), 'prototype'],
    ['with malformed base64', () => 'abc.d$f.ghi', 'malformed'],
    ['without exp (it would never expire)', () => token({ userId: 'ada', iss: 'pikku', aud: 'app' }), 'no `exp` claim'],
    ['of 12 KB', () => 'a'.repeat(12 * 1024), '8 KiB'],
  ])('answers 401 InvalidSessionError for a token %s, without a stack', async (_name, make, reason) => {
    const res = await me(bearer(make()))
    expect(res.status).toBe(401)
    const body = await res.json()
    expect(body).toMatchObject({ name: 'InvalidSessionError', message: expect.stringContaining(reason) })
    expect(JSON.stringify(body)).not.toMatch(/\n\s+at /)
  })

  it("answers a 100 KB Authorization header with Node's 431, and keeps serving", async () => {
    const res = await me(bearer('a'.repeat(100 * 1024)))
    expect(res.status).toBe(431)
    expect((await me(bearer(token(good())))).status).toBe(200)
  })

  it('verifies RS256 and refuses an HS256 token signed with the RSA public key', async () => {
    expect(await (await me(bearer(rs256({ userId: 'rsa', exp: now() + 60 })), rsa.url)).json()).toEqual({ userId: 'rsa' })
    const confused = token({ userId: 'eve' }, { secret: RSA_PUBLIC })
    const res = await me(bearer(confused), rsa.url)
    expect(res.status).toBe(401)
    expect((await res.json()).message).toContain('algorithm')
  })
})

describe.each(ADAPTERS)('other session sources behind %s', (kind) => {
  let jwks: Running
  let keyed: Running
  beforeAll(async () => {
    jwks = await start(kind, { jwt: { algorithm: 'RS256', jwks: { keys: [JWKS.keys[0]!] } } })
    keyed = await start(kind, {
      apiKey: { header: 'x-api-key', query: 'apiKey', keys: [{ key: API_KEY, session: { userId: 'robot', role: 'service' } }] },
    })
  })
  afterAll(async () => {
    await jwks.close()
    await keyed.close()
  })

  it('picks the key of a JWK set by kid', async () => {
    expect(await (await fetch(jwks.url + '/me', { headers: bearer(rs256({ userId: 'kid', exp: now() + 60 }, 'rsa-1')) })).json()).toEqual({ userId: 'kid' })
    const res = await fetch(jwks.url + '/me', { headers: bearer(rs256({ userId: 'kid', exp: now() + 60 }, 'rsa-9')) })
    expect(res.status).toBe(401)
    expect((await res.json()).message).toContain('`kid`')
  })

  it('takes an API key from a header or the query; a wrong one is 401', async () => {
    expect(await (await fetch(keyed.url + '/me', { headers: { 'x-api-key': API_KEY } })).json()).toEqual({ userId: 'robot', role: 'service' })
    expect(await (await fetch(`${keyed.url}/me?apiKey=${API_KEY}`)).json()).toEqual({ userId: 'robot', role: 'service' })
    for (const wrong of [API_KEY.slice(0, -1) + 'X', API_KEY.slice(1), 'x']) {
      const res = await fetch(keyed.url + '/me', { headers: { 'x-api-key': wrong } })
      expect(res.status).toBe(401)
      expect((await res.json()).name).toBe('InvalidSessionError')
    }
    expect((await fetch(`${keyed.url}/me?apiKey=nope`)).status).toBe(401)
  })
})

describe('session settings', () => {
  it.each([
    [{ jwt: { algorithm: 'HS256', secret: 'short' } }, /`session.jwt.secret` is shorter than 32 bytes/],
    [{ jwt: { algorithm: 'PS256', secret: SECRET } }, /`session.jwt.algorithm` is `PS256`/],
    [{ jwt: { algorithm: 'RS256', publicKeyPem: 'nope' } }, /`session.jwt.publicKeyPem` cannot be read/],
    [{ jwt: { algorithm: 'ES256', jwks: { keys: [JWKS.keys[0]!] } } }, /`session.jwt.jwks.keys\[0\]` is for RS256/],
    [{ signedCookie: { name: 'sid', secrets: ['short'] } }, /`session.signedCookie.secrets\[0\]` is shorter than 32 bytes/],
    [{ apiKey: { keys: [] } }, /`session.apiKey` needs `header`/],
  ])('refuses a bad setting at start-up, naming it (%j)', (session, message) => {
    expect(() => createApp({ routes, session: session as AppOptions['session'] })).toThrow(message)
  })

  it('keeps the RSA public key of the JWK set in sync with the PEM', () => {
    const fromPem = createPublicKey(RSA_PUBLIC).export({ format: 'jwk' })
    expect(JWKS.keys[0]).toMatchObject({ n: fromPem.n, e: fromPem.e, kid: 'rsa-1' })
  })
})
