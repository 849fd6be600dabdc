import { NotFoundError, pikkuSessionlessFunc } from '@pikku/native'
import { z } from 'zod'
import type { Todo, TodoStore } from './store'

// The app's services, declared once for every definer.
declare module '@pikku/native' {
  interface PikkuTypes {
    services: { store: TodoStore }
  }
}

// The input schemas of these two are written by `pikku` from the types below (npm run build
// runs it before `next build`); createTodo shows the other way, a Zod schema on the function.

export interface ListTodosInput {
  completed?: boolean
  /**
   * @asType integer
   * @minimum 1
   * @maximum 100
   */
  limit?: number
}

export interface TodoRef {
  /**
   * @asType integer
   * @minimum 1
   */
  id: number
}

/** GET /todos?completed=true&limit=10 — query strings are coerced by the schema. */
export const listTodos = pikkuSessionlessFunc<ListTodosInput, Todo[]>({
  name: 'listTodos',
  func: async ({ store }, data) => store.list(data),
})

/** GET /todos/:id — 404 when there is no such todo. */
export const getTodo = pikkuSessionlessFunc<TodoRef, Todo>({
  name: 'getTodo',
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
