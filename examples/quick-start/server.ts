import { createServer } from 'node:http'

import { addRoute, createApp, NotFoundError, pikkuSessionlessFunc } from '@pikku/native'
import { createRequestListener } from '@pikku/native/node-http'

interface Todo { id: number; title: string }
const todos: Todo[] = [{ id: 1, title: 'Try Pikku' }]

// The input type becomes a JSON Schema that Rust checks before the function runs
// (given by hand here; the code generator will write it from the type).
const getTodo = pikkuSessionlessFunc<{ id: number }, Todo>({
  input: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
  func: async (_services, { id }) => {
    const todo = todos.find((t) => t.id === id)
    if (!todo) throw new NotFoundError(`No todo with id ${id}`)
    return todo
  },
})

addRoute({ method: 'get', route: '/todos/:id', func: getTodo, auth: false })

createServer(createRequestListener(createApp())).listen(3000)
