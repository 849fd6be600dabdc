import { join } from 'node:path'

import { addChannel, addRoute, addScheduledTask, createApp, type PikkuApp } from '@pikku/native'

import { createTodo, deleteTodo, getTodo, listTodos, tidyTodos, watchTodos } from './functions.js'
import { TodoStore } from './store.js'

addRoute({ method: 'get', route: '/todos', func: listTodos, auth: false })
addRoute({ method: 'get', route: '/todos/:id', func: getTodo, auth: false })
addRoute({ method: 'post', route: '/todos', func: createTodo, auth: false })
addRoute({ method: 'delete', route: '/todos/:id', func: deleteTodo })

// The same createTodo over a WebSocket: `{ "action": "create", "title": "…" }`.
addChannel({ name: 'todos', route: '/ws/todos', auth: false, onMessageWiring: { action: { create: createTodo, watch: watchTodos } } })

// Timed by the engine: at second 0 of every tenth minute, completed todos are removed.
addScheduledTask({ name: 'tidy-todos', schedule: '0 */10 * * * *', func: tidyTodos })

/** The example's one API key (a real app reads its keys from the environment). */
export const DEMO_API_KEY = 'demo-key-0123456789'

/** Builds the example app with a few todos in its store. */
export function buildApp(): PikkuApp {
  const store = new TodoStore()
  store.add('Read the README')
  store.add('Wire a function to a route')
  return createApp({
    // Written by `pikku` from the functions' types (npm start and npm test run it first).
    metadata: join(__dirname, '..', '.pikku', 'pikku-meta.gen.json'),
    singletonServices: { store },
    // The engine checks the key (in constant time) in the same call that routes the request.
    session: { apiKey: { header: 'x-api-key', keys: [{ key: DEMO_API_KEY, session: { userId: 'demo' } }] } },
  })
}
