import { createServer } from 'node:http'

import { addRoute, createApp, NotFoundError, pikkuSessionlessFunc } from '@pikku/native'
import { createRequestListener } from '@pikku/native/node-http'

interface Todo { id: number; title: string }
const todos: Todo[] = [{ id: 1, title: 'Try Pikku' }]

// `npx pikku` turns `{ id: number }` into a JSON Schema; Rust checks every input against it.
export const getTodo = pikkuSessionlessFunc<{ id: number }, Todo>(async (_services, { id }) => {
  const todo = todos.find((t) => t.id === id)
  if (!todo) throw new NotFoundError(`No todo with id ${id}`)
  return todo
})

addRoute({ method: 'get', route: '/todos/:id', func: getTodo, auth: false })

const app = createApp({ metadata: '.pikku/pikku-meta.gen.json' })
createServer(createRequestListener(app)).listen(Number(process.env.PORT ?? 3000))
