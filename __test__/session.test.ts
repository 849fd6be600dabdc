// Sessions decoded by the engine, through real HTTP behind node:http and Express: every
// source (bearer JWT, JWT cookie, JWK set, signed session cookie, API key in a header or the
// query), every hardening case of the auth issue with its status, the session hook after the
// engine's decoding, and setSession / clearSession writing the engine's Set-Cookie.
import { createHmac, createPrivateKey, createPublicKey, sign as signWith } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ForbiddenError, createApp, pikkuFunc, pikkuSessionlessFunc, type AppOptions, type Session } from '@pikku/native'

import { serve, type AdapterKind, type Running } from './helpers/servers.js'

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256'
const COOKIE_SECRET = 'the-signed-cookie-secret-of-the-tests-0123'
const API_KEY = 'pk_test_0123456789abcdef'
const keys = join(__dirname, '..', 'crates', 'pikku-engine', 'tests', 'keys')
const RSA_PUBLIC = readFileSync(join(keys, 'rsa-public.pem'), 'utf8')
const RSA_PRIVATE = createPrivateKey(readFileSync(join(keys, 'rsa-private.pem')))
const JWKS = JSON.parse(readFileSync(join(keys, 'jwks.json'), 'utf8')) as { keys: Record<string, unknown>[] }
const ADAPTERS: AdapterKind[] = ['node-http', 'express', 'fetch', 'standalone']

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url')
function token(claims: unknown, { secret = SECRET, header = { alg: 'HS256', typ: 'JWT' } as Record<string, unknown> } = {}): string {
  const head = `${b64(JSON.stringify(header))}.${b64(typeof claims === 'string' ? claims : JSON.stringify(claims))}`
  return `${head}.${b64(createHmac('sha256', secret).update(head).digest())}`
}
function rs256(claims: Record<string, unknown>, kid?: string): string {
  const head = `${b64(JSON.stringify({ alg: 'RS256', typ: 'JWT', ...(kid ? { kid } : {}) }))}.${b64(JSON.stringify(claims))}`
  return `${head}.${b64(signWith('sha256', Buffer.from(head), RSA_PRIVATE))}`
}
const now = () => Math.floor(Date.now() / 1000)
const good = (extra: Record<string, unknown> = {}) => ({ userId: 'ada', iss: 'pikku', aud: 'app', exp: now() + 60, ...extra })
const bearer = (t: string) => ({ authorization: `Bearer ${t}` })

const whoAmI = pikkuFunc<Record<string, never>, { userId: unknown; role?: unknown }>({
  name: 'sessionWhoAmI',
  input: { type: 'object' },
  func: async (_s, _d, session) => ({ userId: session.userId, role: session.role }),
})
const login = pikkuSessionlessFunc<{ user: string }, { ok: true }>({
  name: 'sessionLogin',
  input: { type: 'object', properties: { user: { type: 'string' } }, required: ['user'] },
  func: async (services, data) => {
    services.userSession.set({ userId: data.user, role: data.user === 'root' ? 'admin' : 'user' })
    return { ok: true }
  },
})
const logout = pikkuFunc<Record<string, never>, void>({
  name: 'sessionLogout',
  input: { type: 'object' },
  func: async ({ userSession }) => userSession.clear(),
})
const failAfterLogin = pikkuSessionlessFunc<Record<string, never>, void>({
  name: 'sessionFailAfterLogin',
  input: { type: 'object' },
  func: async (services) => {
    services.userSession.set({ userId: 'mallory' })
    throw new ForbiddenError('no')
  },
})
const routes = [
  { method: 'get' as const, route: '/me', func: whoAmI },
  { method: 'post' as const, route: '/login', func: login, auth: false },
  { method: 'post' as const, route: '/logout', func: logout },
  { method: 'post' as const, route: '/fail', func: failAfterLogin, auth: false },
]

async function start(kind: AdapterKind, session: AppOptions['session'], options: AppOptions = {}): Promise<Running> {
  return serve(kind, createApp({ routes, session, ...options }))
}

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

describe.each(ADAPTERS)('setSession and clearSession behind %s', (kind) => {
  let server: Running
  let jwtCookie: Running
  beforeAll(async () => {
    server = await start(kind, { signedCookie: { name: 'sid', secrets: [COOKIE_SECRET] }, setCookie: { maxAgeSeconds: 3600 } })
    jwtCookie = await start(kind, { jwt: { algorithm: 'HS256', secret: SECRET, issuer: 'pikku', audience: 'app' }, jwtCookie: 'token' })
  })
  afterAll(async () => {
    await server.close()
    await jwtCookie.close()
  })
  const post = (base: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(base + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })

  it('writes the signed session cookie that later requests are signed in with', async () => {
    const res = await post(server.url, '/login', { user: 'root' })
    expect(res.status).toBe(200)
    const setCookie = res.headers.get('set-cookie')!
    expect(setCookie).toMatch(/^sid=[\w-]+\.[\w-]+; Max-Age=3600; Path=\/; HttpOnly; Secure; SameSite=Lax$/)
    const cookie = setCookie.split(';')[0]!
    expect(await (await fetch(server.url + '/me', { headers: { cookie } })).json()).toEqual({ userId: 'root', role: 'admin' })

    const out = await post(server.url, '/logout', {}, { cookie })
    expect(out.status).toBe(204)
    expect(out.headers.get('set-cookie')).toBe('sid=; Max-Age=0; Path=/; HttpOnly; Secure; SameSite=Lax')
  })

  it('refuses a forged or tampered session cookie with 401', async () => {
    const cookie = (await post(server.url, '/login', { user: 'bob' })).headers.get('set-cookie')!.split(';')[0]!
    const [payload, mac] = cookie.slice('sid='.length).split('.') as [string, string]
    const forged = b64(JSON.stringify({ exp: now() + 60, session: { userId: 'bob', role: 'admin' } }))
    for (const bad of [`sid=${forged}.${mac}`, `sid=${payload}.${mac.slice(2)}AA`, `sid=${payload}`]) {
      const res = await fetch(server.url + '/me', { headers: { cookie: bad } })
      expect(res.status).toBe(401)
      expect((await res.json()).name).toBe('InvalidSessionError')
    }
  })

  it('lets a stale cookie sign in again: a public route treats it as no session', async () => {
    const stale = 'sid=eyJleHAiOjF9.AAAA'
    expect((await fetch(server.url + '/me', { headers: { cookie: stale } })).status).toBe(401)
    const res = await post(server.url, '/login', { user: 'ann' }, { cookie: stale })
    expect(res.status).toBe(200)
    expect(res.headers.get('set-cookie')).toMatch(/^sid=/)
  })

  it('writes no cookie when the function throws after setting a session', async () => {
    const res = await post(server.url, '/fail', {})
    expect(res.status).toBe(403)
    expect(res.headers.get('set-cookie')).toBeNull()
  })

  it('issues a JWT cookie when the session is a JWT with a shared secret', async () => {
    const setCookie = (await post(jwtCookie.url, '/login', { user: 'jo' })).headers.get('set-cookie')!
    // Issued with the configured `iss` and `aud`, so that it verifies here.
    expect(setCookie).toMatch(/^token=ey[\w-]+\.[\w-]+\.[\w-]+; Max-Age=604800; Path=\/; HttpOnly; Secure; SameSite=Lax$/)
    const res = await fetch(jwtCookie.url + '/me', { headers: { cookie: setCookie.split(';')[0]! } })
    expect(await res.json()).toEqual({ userId: 'jo', role: 'user' })
  })
})

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
