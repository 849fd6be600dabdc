// The worker process of the scaled-out example: runs the `todo-created` jobs the web
// processes enqueue, and the scheduled tasks, each tick once whatever the number of workers.
import { BullMQScheduler } from '@pikku/native/bullmq'

import { buildApp } from './app.js'
import { redisParts, redisUrl } from './redis-parts.js'

async function main(): Promise<void> {
  const url = redisUrl()
  const parts = redisParts(url, true)
  const app = buildApp(parts)
  const scheduler = new BullMQScheduler(app, { connection: url })
  await parts.queues.start(app)
  await scheduler.start()
  console.log(`worker process ${process.pid} running queue todo-created and task tidy-todos`)
  let stopping: Promise<void> | undefined
  const stop = () =>
    (stopping ??= (async () => {
      await scheduler.stop()
      await parts.close()
      process.exit(0)
    })())
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

main().catch((error: Error) => {
  console.error(error.message)
  process.exit(1)
})
