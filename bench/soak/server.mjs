// The soak's server, in a process of its own (run by soak.mjs): one app behind the adapter
// named by argv[2] (node-http or standalone) on 127.0.0.1. Prints `port <n>` once listening
// and answers each `rss` line read with `rss <bytes> <heap bytes>`.
import { createServer } from 'node:http'
import { createInterface } from 'node:readline'

import { load } from '../http/ours.mjs'
import { inputSchema } from '../http/shared.mjs'

const { createApp, pikkuSessionlessFunc } = load()
const hello = pikkuSessionlessFunc({ name: 'hello', input: {}, func: async () => ({ hello: 'world' }) })
const todo = pikkuSessionlessFunc({ name: 'todo', input: inputSchema(), func: async (_services, data) => data })
const echo = pikkuSessionlessFunc({
  name: 'echo',
  input: { type: 'object', properties: { text: { type: 'string' } }, additionalProperties: false },
  func: async (_services, { text }) => ({ length: text?.length ?? 0 }),
})
const large = pikkuSessionlessFunc({ name: 'large', input: {}, func: async () => ({ data: 'x'.repeat(1_000_000) }) })
const app = createApp({
  routes: [
    { method: 'get', route: '/hello', func: hello, auth: false },
    { method: 'post', route: '/todos/:id', func: todo, auth: false },
    { method: 'post', route: '/echo', func: echo, auth: false },
    { method: 'get', route: '/large', func: large, auth: false },
  ],
  production: true,
})

let port
if (process.argv[2] === 'standalone') {
  port = load('standalone').listen(app, { threads: 1 }).port
} else {
  const server = createServer(load('node-http').createRequestListener(app))
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = server.address().port
}
console.log(`port ${port}`)
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'rss') console.log(`rss ${process.memoryUsage.rss()} ${process.memoryUsage().heapUsed}`)
}
