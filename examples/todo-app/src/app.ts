import { timingSafeEqual } from 'node:crypto'
import { join } from 'node:path'

import { addRoute, createApp, type PikkuApp } from '@pikku/native'

import { createTodo, deleteTodo, getTodo, listTodos } from './functions.js'
import { TodoStore } from './store.js'

addRoute({ method: 'get', route: '/todos', func: listTodos, auth: false })
addRoute({ method: 'get', route: '/todos/:id', func: getTodo, auth: false })
addRoute({ method: 'post', route: '/todos', func: createTodo, auth: false })
addRoute({ method: 'delete', route: '/todos/:id', func: deleteTodo })

/** The example's one API token (sessions from tokens arrive with the auth issue). */
export const DEMO_TOKEN = 'demo-token'

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Builds the example app with a few todos in its store. */
export function buildApp(): PikkuApp {
  const store = new TodoStore()
  store.add('Read the README')
  store.add('Wire a function to a route')
  return createApp({
    // Written by `pikku` from the functions' types (npm start and npm test run it first).
    metadata: join(__dirname, '..', '.pikku', 'pikku-meta.gen.json'),
    singletonServices: { store },
    getSession: (headers) => {
      const token = headers.get('authorization')?.replace(/^Bearer /, '')
      return token && sameSecret(token, DEMO_TOKEN) ? { userId: 'demo' } : undefined
    },
  })
}
