import { addRoute, createApp, type MetadataFile, type PikkuApp } from '@pikku/native'
import { pikkuNext } from '@pikku/native/next'
import { createTodo, getTodo, listTodos } from './functions'
import { TodoStore } from './store'
import metadata from '../.pikku/pikku-meta.gen.json'
import type { Routes } from '../.pikku/pikku-fetch.gen'

export { createTodo, getTodo, listTodos } from './functions'
export type { Todo } from './store'

// Top-level wirings, as the code generator reads them. Next evaluates this module once per
// bundle layer (route handlers, server components and actions); the same function wired
// again replaces the earlier registration instead of conflicting with it.
addRoute({ method: 'get', route: '/todos', func: listTodos, auth: false })
addRoute({ method: 'get', route: '/todos/:id', func: getTodo, auth: false })
addRoute({ method: 'post', route: '/todos', func: createTodo, auth: false })

/** Builds the app with its services; the input schemas were written by `pikku`. */
function setUp() {
  const store = new TodoStore([
    { title: 'Write a function', completed: true },
    { title: 'Wire it to a route', completed: false },
    { title: 'Serve it from Next.js', completed: false },
  ])
  const app = createApp({ metadata: metadata as MetadataFile, singletonServices: { store } })
  return { app, pikku: pikkuNext<Routes>(app, { basePath: '/api' }) }
}

// `@pikku/native` is external and loaded once per process, while this module is evaluated
// once per layer: the app is made once per process and kept on `globalThis`, so that every
// layer shares one store.
const shared = globalThis as typeof globalThis & {
  __pikkuTodoApp?: { app: PikkuApp; pikku: ReturnType<typeof pikkuNext<Routes>> }
}
shared.__pikkuTodoApp ??= setUp()

export const app = shared.__pikkuTodoApp.app

/** Route handlers, file routes and in-process calls for the App Router. */
export const pikku = shared.__pikkuTodoApp.pikku
