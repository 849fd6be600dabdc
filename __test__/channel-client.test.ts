// The typed WebSocket client that `pikku` generates (the `channels` fixture's snapshot):
// compile errors for wrong actions and data (checked by tsc in the test command), and the
// same client against a real channel server on 127.0.0.1.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest'
import { WebSocket } from 'ws'

import { attachChannels, createApp, pikkuFunc, pikkuSessionlessFunc } from '@pikku/native'
import { PikkuChannelError } from '@pikku/native/client'

import { pikkuChannel, type Todo } from '../crates/pikku-codegen/tests/fixtures/channels/expected-client.gen.js'

const createTodo = pikkuSessionlessFunc<{ title: string }, Todo>({
  name: 'clientCreateTodo',
  input: { type: 'object', properties: { title: { type: 'string', minLength: 1 } }, required: ['title'], additionalProperties: false },
  func: async (_s, { title }) => ({ id: 7, title }),
})
const removeTodo = pikkuFunc<{ id: number }, void>({
  name: 'clientRemoveTodo',
  input: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'], additionalProperties: false },
  func: async () => undefined,
})
const announce = pikkuSessionlessFunc<{ title: string }, void>({
  name: 'clientAnnounce',
  input: { type: 'object' },
  func: async ({ channel }, { title }) => channel!.send({ announced: title }),
})

describe('the generated channel client', () => {
  let url = ''
  let close = async () => {}
  beforeAll(async () => {
    const app = createApp({
      routes: [],
      channels: [{ name: 'todos', route: '/ws/todos', auth: false, onMessageWiring: { action: { create: createTodo, remove: { func: removeTodo, auth: true } } }, onMessage: announce }],
    })
    const server = createServer((_req, res) => res.end())
    const channels = attachChannels(app, server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/ws/todos`
    close = async () => {
      await channels.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })
  afterAll(() => close())

  async function open() {
    const socket = new WebSocket(url)
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
    return pikkuChannel('todos', socket)
  }

  it('types actions, their data and their replies', () => {
    const typesOnly = (todos: ReturnType<typeof pikkuChannel<'todos'>>) => {
      expectTypeOf(todos.request('create', { title: 'x' })).resolves.toEqualTypeOf<Todo>()
      // @ts-expect-error not an action of the channel
      todos.send('destroy', { id: 1 })
      // @ts-expect-error `title` is a string
      todos.send('create', { title: 1 })
      // @ts-expect-error `remove` takes `{ id }`
      todos.send('remove', { title: 'x' })
      // @ts-expect-error not a channel
      pikkuChannel('nope', {} as never)
      todos.on('create', (todo) => expectTypeOf(todo).toEqualTypeOf<Todo>())
    }
    expect(typeof typesOnly).toBe('function')
  })

  it('sends, and resolves the reply of the same action', async () => {
    const todos = await open()
    const seen: Todo[] = []
    todos.on('create', (todo) => seen.push(todo))
    const [a, b] = await Promise.all([todos.request('create', { title: 'A' }), todos.request('create', { title: 'B' })])
    expect([a, b]).toEqual([{ id: 7, title: 'A' }, { id: 7, title: 'B' }])
    expect(seen.map((t) => t.title)).toEqual(['A', 'B'])
    todos.close()
  })

  it('rejects with the error the channel sent back, and hands other messages to onMessage', async () => {
    const todos = await open()
    const invalid = await todos.request('create', { title: '' }).catch((error: unknown) => error)
    expect(invalid).toBeInstanceOf(PikkuChannelError)
    expect(invalid).toMatchObject({ name: 'UnprocessableContentError', action: 'create' })
    await expect(todos.request('remove', { id: 1 })).rejects.toMatchObject({ name: 'MissingSessionError' })
    const other = new Promise((resolve) => todos.onMessage(resolve))
    todos.socket.send(JSON.stringify({ title: 'free-form' }))
    expect(await other).toEqual({ announced: 'free-form' })
    todos.close()
  })

  it('matches each reply to its own message, also when sends and requests mix', async () => {
    const todos = await open()
    const errors: string[] = []
    todos.onError((error) => errors.push(error.name))
    todos.send('create', { title: 'fire and forget' })
    todos.send('create', { title: '' }) // refused: goes to onError, not to the request below
    expect(await todos.request('create', { title: 'mine' })).toEqual({ id: 7, title: 'mine' })
    expect(errors).toEqual(['UnprocessableContentError'])
    todos.close()
  })

  it('rejects requests still waiting when the socket closes', async () => {
    const todos = await open()
    const waiting = todos.request('create', { title: 'late' })
    todos.close()
    await expect(waiting).rejects.toMatchObject({ name: 'ChannelClosedError' })
    await expect(todos.request('create', { title: 'after' })).rejects.toMatchObject({ name: 'ChannelClosedError' })
  })
})
