import { createServer } from 'node:http'

import { attachChannels, createScheduler } from '@pikku/native'
import { createRequestListener } from '@pikku/native/node-http'

import { buildApp, DEMO_API_KEY, memoryParts } from './app.js'

const port = Number(process.env.PORT ?? 3000)
const parts = memoryParts()
const app = buildApp(parts)
const server = createServer(createRequestListener(app))
const channels = attachChannels(app, server)
const scheduler = createScheduler(app)

server.listen(port, '127.0.0.1', async () => {
  await parts.queues.start(app) // the in-memory queues: nothing to reach, nothing to fail
  scheduler.start()
  const url = `http://127.0.0.1:${port}`
  console.log(`Pikku todo app listening on ${url}

Try:
  curl ${url}/todos
  curl '${url}/todos?completed=false&limit=1'
  curl ${url}/todos/1
  curl ${url}/todos/99                      # 404 NotFoundError
  curl -X POST ${url}/todos -H 'content-type: application/json' -d '{"title":"Try Pikku"}'
  curl -X POST ${url}/todos -H 'content-type: application/json' -d '{"title":""}'   # 422
  curl -X DELETE ${url}/todos/1             # 401 without a session
  curl -X DELETE ${url}/todos/1 -H 'x-api-key: ${DEMO_API_KEY}'           # 204

WebSocket ws://127.0.0.1:${port}/ws/todos: send {"action":"watch"}, and todos created on
other connections ({"action":"create","title":"…"}) arrive as {"created":{…}}.

Scheduled: ${scheduler
    .list()
    .map((task) => `${task.name} (${task.schedule}), next at ${task.nextRunAt?.toISOString()}`)
    .join('; ')}
`)
})

// Sockets first, then the requests in flight, then the timers and the jobs.
let stopping: Promise<void> | undefined
const stop = () =>
  (stopping ??= (async () => {
    await channels.close()
    await new Promise((resolve) => server.close(resolve))
    await Promise.all([scheduler.stop(), parts.queues.stop()])
    process.exit(0)
  })())
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
