// In-process calls (server components, actions): same validation, auth gate and services.
import { describe, expect, it } from 'vitest'

import { MissingSessionError, NotFoundError, UnprocessableContentError } from '@pikku/native'

import { getTodo, lifecycle, listTodos, makeTodoApp, whoAmI } from './fixtures/todo-app.js'

describe('app.call', () => {
  const app = makeTodoApp()

  it('runs a function with validated input and returns its typed output', async () => {
    const todo = await app.call(getTodo, { id: 1 }, { auth: false })
    expect(todo.title).toBe('Buy milk')
    const { todos } = await app.call(listTodos, { completed: true }, { auth: false })
    expect(todos.map((t) => t.id)).toEqual([2])
  })

  it('throws validation errors as UnprocessableContentError', async () => {
    const error = await app.call(getTodo, { id: 'one' as unknown as number }, { auth: false }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UnprocessableContentError)
    expect((error as UnprocessableContentError).payload).toEqual({ errors: [{ path: '/id', message: expect.any(String) }] })
  })

  it('rethrows what the function throws', async () => {
    await expect(app.call(getTodo, { id: 99 }, { auth: false })).rejects.toBeInstanceOf(NotFoundError)
  })

  it('requires a session by default, as routes do', async () => {
    await expect(app.call(getTodo, { id: 1 })).rejects.toBeInstanceOf(MissingSessionError)
  })

  it('refuses auth: false for a function that needs a session', async () => {
    await expect(app.call(whoAmI, {}, { auth: false })).rejects.toThrow(/PIKKU_ERR_AUTH: function `.*`: it is called with `auth: false` but its function needs a session/)
  })

  it('gates functions that need a session', async () => {
    await expect(app.call(whoAmI, {})).rejects.toBeInstanceOf(MissingSessionError)
    expect(await app.call(whoAmI, {}, { session: { userId: 'lin' } })).toEqual({ userId: 'lin' })
  })

  it('closes session services once per call, also when the function throws', async () => {
    const before = { ...lifecycle }
    await app.call(getTodo, { id: 1 }, { auth: false })
    await app.call(getTodo, { id: 99 }, { auth: false }).catch(() => {})
    expect(lifecycle.created - before.created).toBe(2)
    expect(lifecycle.closed - before.closed).toBe(2)
  })
})

describe('the session hook', () => {
  it('answers what it throws through the error table', async () => {
    const { InvalidSessionError } = await import('@pikku/native')
    const { createFetchHandler } = await import('@pikku/native/fetch')
    const handle = createFetchHandler(
      makeTodoApp({
        production: true,
        enrichSession: (_session: unknown, { headers }: { headers: { get(name: string): string | undefined } }) => {
          if (headers.get('authorization') === 'Bearer expired') throw new InvalidSessionError('The token has expired')
          if (headers.get('authorization')) throw new Error('database down: password=hunter2')
          return undefined
        },
      }),
    )
    const expired = await handle(new Request('http://x/todos/1', { headers: { authorization: 'Bearer expired' } }))
    expect(expired.status).toBe(401)
    expect(await expired.json()).toMatchObject({ name: 'InvalidSessionError', message: 'The token has expired' })
    const broken = await handle(new Request('http://x/todos/1', { headers: { authorization: 'Bearer x' } }))
    expect(broken.status).toBe(500)
    expect(Object.keys(await broken.json())).toEqual(['errorId'])
  })
})
