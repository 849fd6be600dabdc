// Permission semantics (keys OR'ed, checks in an array AND'ed, globals AND'ed), table-driven,
// then through real HTTP: 403 after validation, on the route and on the function.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ForbiddenError, createApp, pikkuSessionlessFunc, type Permission, type Permissions, type RouteWiring } from '@pikku/native'

// The semantics are tested on the module itself (its Session type is the un-augmented one).
import { deniedBy, type Permission as CheckFn, type PermissionPlan } from '../lib/permissions.js'
import { serve, type AdapterKind, type Running } from './helpers/servers.js'

const yes: CheckFn = () => true
const no: CheckFn = () => false
const later = (value: boolean): CheckFn => async () => value
const truthy: CheckFn = () => 1 as unknown as boolean // only `true` allows

describe('permission semantics', () => {
  const table: [string, PermissionPlan, boolean][] = [
    ['no permissions', { global: [], levels: [] }, true],
    ['one passing key', { global: [], levels: [{ a: yes }] }, true],
    ['one failing key', { global: [], levels: [{ a: no }] }, false],
    ['keys OR: one of two passes', { global: [], levels: [{ a: no, b: yes }] }, true],
    ['keys OR: none passes', { global: [], levels: [{ a: no, b: later(false) }] }, false],
    ['array AND: all pass', { global: [], levels: [{ a: [yes, later(true)] }] }, true],
    ['array AND: one fails', { global: [], levels: [{ a: [yes, later(false)] }] }, false],
    ['OR of ANDs: the second key passes', { global: [], levels: [{ a: [yes, no], b: [yes, yes] }] }, true],
    ['OR of ANDs: neither passes', { global: [], levels: [{ a: [yes, no], b: [no, yes] }] }, false],
    ['an empty array under a key allows nothing', { global: [], levels: [{ a: [] }] }, false],
    ['an empty map allows', { global: [], levels: [{}] }, true],
    ['a truthy non-boolean does not allow', { global: [], levels: [{ a: truthy }] }, false],
    ['globals AND: all pass', { global: [yes, later(true)], levels: [{ a: yes }] }, true],
    ['globals AND: one fails', { global: [yes, no], levels: [{ a: yes }] }, false],
    ['a failing global wins over passing keys', { global: [no], levels: [] }, false],
    ['levels AND: route passes, function fails', { global: [], levels: [{ a: yes }, { b: no }] }, false],
    ['levels AND: both pass', { global: [], levels: [{ a: no, b: yes }, { c: [yes, yes] }] }, true],
  ]
  it.each(table)('%s', async (_name, plan, allowed) => {
    expect((await deniedBy(plan, {}, {}, undefined)) === undefined).toBe(allowed)
  })

  it('passes services, data and session to each check, and stops at the first passing key', async () => {
    const calls: string[] = []
    const record = (name: string, result: boolean): CheckFn => (services, data, session) => {
      calls.push(`${name}:${(services as { s: number }).s}:${(data as { d: number }).d}:${session?.userId}`)
      return result
    }
    const plan = { global: [], levels: [{ first: record('first', true), second: record('second', true) }] }
    expect(await deniedBy(plan, { s: 1 }, { d: 2 }, { userId: 'u' })).toBeUndefined()
    expect(calls).toEqual(['first:1:2:u'])
  })

  it('names what denied, so that the 403 message can say it', async () => {
    expect(await deniedBy({ global: [yes, no], levels: [] }, {}, {}, undefined)).toBe('global permission #2')
    expect(await deniedBy({ global: [], levels: [{ admin: no, owner: [yes, no] }] }, {}, {}, undefined)).toBe('one of: admin, owner')
  })
})

type Doc = { id: number; owner: string }
const isAdmin: Permission<Doc> = (_s, _d, session) => session?.role === 'admin'
const isOwner: Permission<Doc> = (_s, data, session) => data.owner === session?.userId
const signedIn: Permission<Doc> = (_s, _d, session) => session !== undefined
const notLocked: Permission = (services) => !(services as { locked?: boolean }).locked
const docPermissions: Permissions<Doc> = { admin: isAdmin, owner: [signedIn, isOwner] }

const readDoc = pikkuSessionlessFunc<Doc, Doc>({
  name: 'permReadDoc',
  input: {
    type: 'object',
    properties: { id: { type: 'integer' }, owner: { type: 'string', minLength: 1 } },
    required: ['id', 'owner'],
    additionalProperties: false,
  },
  permissions: docPermissions,
  func: async (_s, data) => data,
})
const publicDoc = pikkuSessionlessFunc<{ id: number }, { id: number }>({ name: 'permPublicDoc', input: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] }, func: async (_s, data) => data })
const explode: Permission = () => {
  throw new ForbiddenError('Blocked by policy')
}

describe.each<AdapterKind>(['node-http', 'express', 'fetch', 'standalone'])('permissions over HTTP behind %s', (kind) => {
  let server: Running
  let locked: Running
  const routes: RouteWiring[] = [
    { method: 'get' as const, route: '/docs/:id', func: readDoc, auth: false },
    { method: 'get' as const, route: '/public/:id', func: publicDoc, auth: false, permissions: { admin: isAdmin } },
    { method: 'get' as const, route: '/policy/:id', func: publicDoc, auth: false, permissions: { policy: explode } },
  ]
  beforeAll(async () => {
    const options = {
      routes,
      enrichSession: (_s: unknown, { headers }: { headers: { get(n: string): string | undefined } }) => {
        const user = headers.get('x-user')
        return user ? { userId: user, role: headers.get('x-role') as 'admin' | 'user' | undefined } : undefined
      },
    }
    server = await serve(kind, createApp({ ...options, permissions: [notLocked], singletonServices: { locked: false } }))
    locked = await serve(kind, createApp({ ...options, permissions: [notLocked], singletonServices: { locked: true } }))
  })
  afterAll(async () => {
    await server.close()
    await locked.close()
  })
  const get = (base: string, path: string, user?: string, role?: string) =>
    fetch(base + path, { headers: { ...(user ? { 'x-user': user } : {}), ...(role ? { 'x-role': role } : {}) } })

  it.each([
    ['the owner', '/docs/1?owner=ann', 'ann', undefined, 200],
    ['an admin who is not the owner', '/docs/1?owner=ann', 'bob', 'admin', 200],
    ['another user', '/docs/1?owner=ann', 'bob', 'user', 403],
    ['no session', '/docs/1?owner=ann', undefined, undefined, 403],
    ['an admin on a route permission', '/public/7', 'bob', 'admin', 200],
    ['a user on a route permission', '/public/7', 'bob', 'user', 403],
  ])('%s: %s → %i', async (_name, path, user, role, status) => {
    const res = await get(server.url, path, user, role)
    expect(res.status).toBe(status)
    if (status === 403) {
      expect(await res.json()).toMatchObject({ name: 'ForbiddenError', message: expect.stringContaining('Permission denied') })
    }
  })

  it('validates before checking permissions (422, not 403)', async () => {
    const res = await get(server.url, '/docs/1?owner=', 'bob', 'user')
    expect(res.status).toBe(422)
  })

  it('denies everything when a global permission fails', async () => {
    const res = await get(locked.url, '/docs/1?owner=ann', 'ann')
    expect(res.status).toBe(403)
    expect((await res.json()).message).toContain('global permission #1')
  })

  it('answers what a permission throws through the error table', async () => {
    const res = await get(server.url, '/policy/1')
    expect(res.status).toBe(403)
    expect((await res.json()).message).toBe('Blocked by policy')
  })
})

describe('permissions of in-process calls', () => {
  it('apply to app.call as well', async () => {
    const app = createApp({ routes: [] })
    await expect(app.call(readDoc, { id: 1, owner: 'ann' }, { auth: false, session: { userId: 'ann' } })).resolves.toEqual({ id: 1, owner: 'ann' })
    await expect(app.call(readDoc, { id: 1, owner: 'ann' }, { auth: false, session: { userId: 'bob' } })).rejects.toThrow(/Permission denied/)
  })
})
