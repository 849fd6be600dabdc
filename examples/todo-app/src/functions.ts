import './types.js'

import { NotFoundError, pikkuFunc, pikkuSessionlessFunc } from '@pikku/native'

import type { Todo } from './store.js'

// No schema is written by hand: `pikku` reads these types (and their JSDoc constraints) and
// writes .pikku/pikku-meta.gen.json, which the app loads at start-up.

/** A todo's id in a route. */
export interface TodoRef {
  /**
   * @asType integer
   * @minimum 1
   */
  id: number
}

/** Filters of the todo list. */
export interface TodoFilter {
  completed?: boolean
  /**
   * How many to return.
   * @asType integer
   * @minimum 1
   * @maximum 100
   */
  limit?: number
}

/** What a new todo needs. */
export interface NewTodo {
  /**
   * @minLength 1
   * @maxLength 200
   */
  title: string
  completed?: boolean
}

/** GET /todos?completed=true&limit=10 — query strings are coerced by the schema. */
export const listTodos = pikkuSessionlessFunc<TodoFilter, Todo[]>(async ({ store }, { completed, limit }) =>
  (await store.list())
    .filter((t) => completed === undefined || t.completed === completed)
    .slice(0, limit ?? 100),
)

/** GET /todos/:id — 404 when there is no such todo. */
export const getTodo = pikkuSessionlessFunc<TodoRef, Todo>(async ({ store }, { id }) => {
  const todo = await store.get(id)
  if (!todo) throw new NotFoundError(`No todo with id ${id}`)
  return todo
})

/** POST /todos, or `{ "action": "create" }` on the channel — a title of 1 to 200 characters. */
export const createTodo = pikkuSessionlessFunc<NewTodo, Todo>(async ({ store, channel, queues }, { title, completed }) => {
  const todo = await store.add(title)
  if (completed) todo.completed = true
  channel?.publish('todos', { created: todo }) // to the other connections watching
  await queues.enqueue('todo-created', { id: todo.id, title }) // validated here, run by a worker
  return todo
})

/** What a `todo-created` job carries. */
export interface CreatedTodo {
  /** @asType integer */
  id: number
  title: string
}

/**
 * The `todo-created` queue's worker (a mail or a search index in a real app). Routes tell the
 * app which function they run; a queue does not, so the function carries the `name` its schema
 * has in the metadata.
 */
export const announceTodo = pikkuSessionlessFunc<CreatedTodo, void>({
  name: 'announceTodo',
  func: async (_services, { id, title }) => console.log(`todo ${id} announced by process ${process.pid}: ${title}`),
})

/** `{ "action": "watch" }` on the channel: todos created by other connections arrive here. */
export const watchTodos = pikkuSessionlessFunc<Record<string, never>, { watching: true }>(async ({ channel }) => {
  channel?.subscribe('todos')
  return { watching: true }
})

/** DELETE /todos/:id — needs a session; answers 204. */
export const deleteTodo = pikkuFunc<TodoRef, void>(async ({ store }, { id }) => {
  if (!(await store.remove(id))) throw new NotFoundError(`No todo with id ${id}`)
})

/** Every 10 minutes (see app.ts): completed todos are removed. */
export const tidyTodos = pikkuSessionlessFunc<void, { removed: number }>(async ({ store }) => {
  const done = (await store.list()).filter((t) => t.completed)
  for (const todo of done) await store.remove(todo.id)
  return { removed: done.length }
})
