import { NotFoundError, pikkuSessionlessFunc } from '@pikku/native'
import { z } from 'zod'
import type { Todo, TodoStore } from './store'

// The app's services, declared once for every definer.
declare module '@pikku/native' {
  interface PikkuTypes {
    services: { store: TodoStore }
  }
}

export interface ListTodosInput {
  completed?: boolean
  limit?: number
}

/** GET /todos?completed=true&limit=10 — query strings are coerced by the schema. */
export const listTodos = pikkuSessionlessFunc<ListTodosInput, Todo[]>({
  name: 'listTodos',
  input: {
    type: 'object',
    properties: {
      completed: { type: 'boolean' },
      limit: { type: 'integer', minimum: 1, maximum: 100 },
    },
    additionalProperties: false,
  },
  func: async ({ store }, data) => store.list(data),
})

/** GET /todos/:id — 404 when there is no such todo. */
export const getTodo = pikkuSessionlessFunc<{ id: number }, Todo>({
  name: 'getTodo',
  input: {
    type: 'object',
    properties: { id: { type: 'integer', minimum: 1 } },
    required: ['id'],
    additionalProperties: false,
  },
  func: async ({ store }, { id }) => {
    const todo = store.get(id)
    if (!todo) throw new NotFoundError(`Todo ${id} not found`)
    return todo
  },
})

/** POST /todos — the input schema is a Zod 4 schema. */
export const createTodoInput = z.strictObject({
  title: z.string().min(1).max(200),
  completed: z.boolean().optional(),
})

export const createTodo = pikkuSessionlessFunc({
  name: 'createTodo',
  input: createTodoInput,
  func: async ({ store }, { title, completed }) => store.create(title, completed),
})
