import { NotFoundError, pikkuSessionlessFunc } from '@pikku/native'
import type { Todo, TodoStore } from './store'

// The app's services, declared once for every definer.
declare module '@pikku/native' {
  interface PikkuTypes {
    services: { store: TodoStore }
  }
}

// No schema is written by hand: `pikku` writes them from the types below (npm run build runs
// it before `next build`), JSDoc constraints included.

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

export interface NewTodo {
  /**
   * @minLength 1
   * @maxLength 200
   */
  title: string
  completed?: boolean
}

/** POST /todos — a title of 1 to 200 characters. */
export const createTodo = pikkuSessionlessFunc<NewTodo, Todo>({
  name: 'createTodo',
  func: async ({ store }, { title, completed }) => store.create(title, completed),
})
