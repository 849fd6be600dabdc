import { NotFoundError, UnauthorizedError, pikkuFunc, pikkuSessionlessFunc, type UserSessionService } from '@pikku/native'
import type { Todo, TodoStore } from './store'

// The app's services, declared once for every definer.
declare module '@pikku/native' {
  interface PikkuTypes {
    services: { store: TodoStore; userSession: UserSessionService }
    session: { userId: string }
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
   * Up to 200 characters, with at least one that is not a space (`\S`); stored trimmed.
   * @minLength 1 @maxLength 200
   * @pattern \S
   */
  title: string
  completed?: boolean
}

/** POST /todos — a title of 1 to 200 characters, not only spaces; stored without the spaces around it. */
export const createTodo = pikkuSessionlessFunc<NewTodo, Todo>({
  name: 'createTodo',
  func: async ({ store }, { title, completed }) => store.create(title.trim(), completed),
})

/** POST /todos/:id/toggle — marks a todo done, or not done again; 404 when there is no such todo. */
export const toggleTodo = pikkuSessionlessFunc<TodoRef, Todo>({
  name: 'toggleTodo',
  func: async ({ store }, { id }) => {
    const todo = store.toggle(id)
    if (!todo) throw new NotFoundError(`Todo ${id} not found`)
    return todo
  },
})

export interface Credentials {
  /** @minLength 1 */
  name: string
  /** @minLength 1 */
  password: string
}

/** The example's one password (a real app checks a user store). */
const DEMO_PASSWORD = 'open-sesame'

/** POST /login — sets the session; the answer carries the signed session cookie. */
export const login = pikkuSessionlessFunc<Credentials, { userId: string }>({
  name: 'login',
  func: async ({ userSession }, { name, password }) => {
    if (password !== DEMO_PASSWORD) throw new UnauthorizedError('Wrong name or password')
    userSession.set({ userId: name })
    return { userId: name }
  },
})

/** GET /me — only with a session (the cookie written by login). */
export const me = pikkuFunc<Record<string, never>, { userId: string }>({
  name: 'me',
  func: async (_services, _data, session) => ({ userId: session.userId }),
})

/** POST /logout — clears the session cookie. */
export const logout = pikkuFunc<Record<string, never>, void>({
  name: 'logout',
  func: async ({ userSession }) => userSession.clear(),
})
