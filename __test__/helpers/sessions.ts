// What the session suites share: the secrets and keys, tokens signed as a client would, and an
// app whose routes read, set and clear the session, served behind an adapter.
import { createHmac, createPrivateKey, sign as signWith } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { ForbiddenError, createApp, pikkuFunc, pikkuSessionlessFunc, type AppOptions } from '@pikku/native'

import { serve, type AdapterKind, type Running } from './servers.js'

export const SECRET = 'a-test-secret-that-is-long-enough-for-hs256'
export const COOKIE_SECRET = 'the-signed-cookie-secret-of-the-tests-0123'
export const API_KEY = 'pk_test_0123456789abcdef'
const keys = join(__dirname, '..', '..', 'crates', 'pikku-engine', 'tests', 'keys')
export const RSA_PUBLIC = readFileSync(join(keys, 'rsa-public.pem'), 'utf8')
const RSA_PRIVATE = createPrivateKey(readFileSync(join(keys, 'rsa-private.pem')))
export const JWKS = JSON.parse(readFileSync(join(keys, 'jwks.json'), 'utf8')) as { keys: Record<string, unknown>[] }
export const ADAPTERS: AdapterKind[] = ['node-http', 'express', 'fetch', 'standalone']

export const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url')
export function token(claims: unknown, { secret = SECRET, header = { alg: 'HS256', typ: 'JWT' } as Record<string, unknown> } = {}): string {
  const head = `${b64(JSON.stringify(header))}.${b64(typeof claims === 'string' ? claims : JSON.stringify(claims))}`
  return `${head}.${b64(createHmac('sha256', secret).update(head).digest())}`
}
export function rs256(claims: Record<string, unknown>, kid?: string): string {
  const head = `${b64(JSON.stringify({ alg: 'RS256', typ: 'JWT', ...(kid ? { kid } : {}) }))}.${b64(JSON.stringify(claims))}`
  return `${head}.${b64(signWith('sha256', Buffer.from(head), RSA_PRIVATE))}`
}
export const now = () => Math.floor(Date.now() / 1000)
export const good = (extra: Record<string, unknown> = {}) => ({ userId: 'ada', iss: 'pikku', aud: 'app', exp: now() + 60, ...extra })
export const bearer = (t: string) => ({ authorization: `Bearer ${t}` })

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
export const routes = [
  { method: 'get' as const, route: '/me', func: whoAmI },
  { method: 'post' as const, route: '/login', func: login, auth: false },
  { method: 'post' as const, route: '/logout', func: logout },
  { method: 'post' as const, route: '/fail', func: failAfterLogin, auth: false },
]

export async function start(kind: AdapterKind, session: AppOptions['session'], options: AppOptions = {}): Promise<Running> {
  return serve(kind, createApp({ routes, session, ...options }))
}
