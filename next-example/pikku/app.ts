import { addRoute, createApp, type MetadataFile, type PikkuApp } from '@pikku/native'
import { pikkuNext } from '@pikku/native/next'
import { createTodo, getTodo, listTodos, login, logout, me, toggleTodo } from './functions'
import { TodoStore } from './store'
import metadata from '../.pikku/pikku-meta.gen.json'
import type { Routes } from '../.pikku/pikku-fetch.gen'

export { createTodo, getTodo, listTodos, login, logout, me, toggleTodo } from './functions'
export type { Todo } from './store'

// Top-level wirings, as the code generator reads them. Next evaluates this module once per
// bundle layer (route handlers, server components and actions); the same function wired
// again replaces the earlier registration instead of conflicting with it.
addRoute({ method: 'get', route: '/todos', func: listTodos, auth: false })
addRoute({ method: 'get', route: '/todos/:id', func: getTodo, auth: false })
addRoute({ method: 'post', route: '/todos', func: createTodo, auth: false })
addRoute({ method: 'post', route: '/todos/:id/toggle', func: toggleTodo, auth: false })
addRoute({ method: 'post', route: '/login', func: login, auth: false })
addRoute({ method: 'get', route: '/me', func: me })
addRoute({ method: 'post', route: '/logout', func: logout })

/** Signs the session cookie; set SESSION_SECRET (32+ bytes) outside the example. */
const SESSION_SECRET = process.env.SESSION_SECRET ?? 'example-only-secret-change-me-0123456789'

/** The session cookie's name, which the page reads to show who is signed in. */
export const SESSION_COOKIE = 'pikku_session'

/**
 * Whether the session cookie is `Secure`. Browsers keep a `Secure` cookie only from HTTPS or
 * from localhost / 127.0.0.1, so over plain http on any other host sign-in would silently do
 * nothing: it is `Secure` in production (`next build` + `next start`) and not in `next dev`;
 * SESSION_COOKIE_SECURE=false turns it off for `next start` over plain http (never on the
 * internet).
 */
export const SECURE_SESSION_COOKIE =
  process.env.SESSION_COOKIE_SECURE !== undefined
    ? process.env.SESSION_COOKIE_SECURE !== 'false'
    : process.env.NODE_ENV === 'production'

/** Builds the app with its services; the input schemas were written by `pikku`. */
function setUp() {
  const store = new TodoStore([
    { title: 'Write a function', completed: true },
    { title: 'Wire it to a route', completed: false },
    { title: 'Serve it from Next.js', completed: false },
  ])
  const app = createApp({
    metadata: metadata as MetadataFile,
    singletonServices: { store },
    // The engine verifies the cookie in the request's one native call, and signs the one
    // that `userSession.set()` asks for.
    session: {
      signedCookie: { name: SESSION_COOKIE, secrets: [SESSION_SECRET] },
      setCookie: { secure: SECURE_SESSION_COOKIE },
    },
  })
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
