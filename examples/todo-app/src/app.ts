import { join } from 'node:path'

import { addChannel, addQueueWorker, addRoute, addScheduledTask, createApp, createQueues, type PikkuApp, type Queues } from '@pikku/native'

import { announceTodo, createTodo, deleteTodo, getTodo, listTodos, tidyTodos, watchTodos } from './functions.js'
import { MemoryTodoStore, type TodoStore } from './store.js'

addRoute({ method: 'get', route: '/todos', func: listTodos, auth: false })
addRoute({ method: 'get', route: '/todos/:id', func: getTodo, auth: false })
addRoute({ method: 'post', route: '/todos', func: createTodo, auth: false })
addRoute({ method: 'delete', route: '/todos/:id', func: deleteTodo })

// The same createTodo over a WebSocket: `{ "action": "create", "title": "…" }`.
addChannel({ name: 'todos', route: '/ws/todos', auth: false, onMessageWiring: { action: { create: createTodo, watch: watchTodos } } })

// Timed by the engine: at second 0 of every tenth minute, completed todos are removed.
addScheduledTask({ name: 'tidy-todos', schedule: '0 */10 * * * *', func: tidyTodos })

// Each created todo is announced by a queue worker, here or in a worker process.
addQueueWorker({ queue: 'todo-created', func: announceTodo })

/** The example's one API key (a real app reads its keys from the environment). */
export const DEMO_API_KEY = 'demo-key-0123456789'

/** What the app's functions keep their state in. */
export interface TodoAppParts {
  store: TodoStore
  queues: Queues
}

/** One process's parts: todos in memory (with two to start), queues in memory. */
export function memoryParts(): TodoAppParts {
  return { store: new MemoryTodoStore(['Read the README', 'Wire a function to a route']), queues: createQueues() }
}

/** Builds the example app on `parts` (start `parts.queues` with it). */
export function buildApp(parts: TodoAppParts): PikkuApp {
  return createApp({
    // Written by `pikku` from the functions' types (npm start and npm test run it first).
    metadata: join(__dirname, '..', '.pikku', 'pikku-meta.gen.json'),
    singletonServices: { store: parts.store, queues: parts.queues },
    // The engine checks the key (in constant time) in the same call that routes the request.
    session: { apiKey: { header: 'x-api-key', keys: [{ key: DEMO_API_KEY, session: { userId: 'demo' } }] } },
  })
}
