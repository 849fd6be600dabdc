// A web process of the scaled-out example: todos in Redis, jobs enqueued for the worker
// process, channel broadcasts reaching the watchers on every web process.
import { createServer } from 'node:http'

import { attachChannels } from '@pikku/native'
import { createRequestListener } from '@pikku/native/node-http'
import { RedisChannelBroker } from '@pikku/native/redis'

import { buildApp } from './app.js'
import { redisParts, redisUrl } from './redis-parts.js'

const url = redisUrl()
const port = Number(process.env.PORT ?? 3000)
const parts = redisParts(url, false)
const app = buildApp(parts)
const broker = new RedisChannelBroker({ url })
const server = createServer(createRequestListener(app))
const channels = attachChannels(app, server, { broker })

server.listen(port, '127.0.0.1', () => {
  parts.queues.start(app).then(
    () => console.log(`web process ${process.pid} listening on http://127.0.0.1:${port}`),
    (error: Error) => {
      console.error(error.message)
      process.exit(1)
    },
  )
})

// Sockets first, then the requests in flight, then what they use.
let stopping: Promise<void> | undefined
const stop = () =>
  (stopping ??= (async () => {
    await channels.close()
    await new Promise((resolve) => server.close(resolve))
    await Promise.all([parts.close(), broker.close()])
    process.exit(0)
  })())
process.once('SIGINT', stop)
process.once('SIGTERM', stop)
