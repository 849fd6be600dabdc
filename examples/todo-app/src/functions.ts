import './types.js'

import { NotFoundError, pikkuFunc, pikkuSessionlessFunc } from '@pikku/native'

import type { Todo } from './store.js'

const idInput = {
  type: 'object',
  properties: { id: { type: 'integer', minimum: 1 } },
  required: ['id'],
  additionalProperties: false,
}

/** GET /todos?completed=true&limit=10 — query strings are coerced by the schema. */
export const listTodos = pikkuSessionlessFunc<{ completed?: boolean; limit?: number }, Todo[]>({
  input: {
    type: 'object',
    properties: { completed: { type: 'boolean' }, limit: { type: 'integer', minimum: 1, maximum: 100 } },
    additionalProperties: false,
  },
  func: async ({ store }, { completed, limit }) =>
    store
      .list()
      .filter((t) => completed === undefined || t.completed === completed)
      .slice(0, limit ?? 100),
})

/** GET /todos/:id — 404 when there is no such todo. */
export const getTodo = pikkuSessionlessFunc<{ id: number }, Todo>({
  input: idInput,
  func: async ({ store }, { id }) => {
    const todo = store.get(id)
    if (!todo) throw new NotFoundError(`No todo with id ${id}`)
    return todo
  },
})

/** POST /todos — validated: a non-empty title. */
export const createTodo = pikkuSessionlessFunc<{ title: string }, Todo>({
  input: {
    type: 'object',
    properties: { title: { type: 'string', minLength: 1, maxLength: 200 } },
    required: ['title'],
    additionalProperties: false,
  },
  func: async ({ store }, { title }) => store.add(title),
})

/** DELETE /todos/:id — needs a session; answers 204. */
export const deleteTodo = pikkuFunc<{ id: number }, void>({
  input: idInput,
  func: async ({ store }, { id }) => {
    if (!store.remove(id)) throw new NotFoundError(`No todo with id ${id}`)
  },
})
