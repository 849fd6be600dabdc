// setSession and clearSession through real HTTP behind node:http, Express, the Fetch API
// handler and the standalone server: the engine's Set-Cookie (a signed session cookie or a
// JWT cookie), and signed cookies that are forged, tampered or stale.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { type Running } from './helpers/servers.js'
import { ADAPTERS, COOKIE_SECRET, SECRET, b64, now, start } from './helpers/sessions.js'

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
