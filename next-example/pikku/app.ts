import { addRoute, createApp, type PikkuApp } from '@pikku/native'
import { pikkuNext } from '@pikku/native/next'
import { createTodo, getTodo, listTodos } from './functions'
import { TodoStore } from './store'

export { createTodo, getTodo, listTodos } from './functions'
export type { Todo } from './store'

/** Wires the routes and builds the app with its services. */
function setUp() {
  addRoute({ method: 'get', route: '/todos', func: listTodos, auth: false })
  addRoute({ method: 'get', route: '/todos/:id', func: getTodo, auth: false })
  addRoute({ method: 'post', route: '/todos', func: createTodo, auth: false })

  const store = new TodoStore([
    { title: 'Write a function', completed: true },
    { title: 'Wire it to a route', completed: false },
    { title: 'Serve it from Next.js', completed: false },
  ])
  const app = createApp({ singletonServices: { store } })
  return { app, pikku: pikkuNext(app, { basePath: '/api' }) }
}

// Next evaluates this module once per bundle layer (route handlers, server components and
// actions each get their own copy, and dev reloads evaluate it again), while `@pikku/native`
// is external and loaded once per process. The app is therefore made once per process and
// kept on `globalThis`: the routes are wired once and every layer shares one store.
const shared = globalThis as typeof globalThis & {
  __pikkuTodoApp?: { app: PikkuApp; pikku: ReturnType<typeof pikkuNext> }
}
shared.__pikkuTodoApp ??= setUp()

export const app = shared.__pikkuTodoApp.app

/** Route handlers, file routes and in-process calls for the App Router. */
export const pikku = shared.__pikkuTodoApp.pikku
