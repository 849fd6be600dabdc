import Redis from 'ioredis'

import { createQueues } from '@pikku/native'
import { BullMQBackend } from '@pikku/native/bullmq'

import type { TodoAppParts } from './app.js'
import { RedisTodoStore } from './redis-store.js'

/**
 * The parts of a process of the scaled-out example, all on the Redis at `url`: the todos, and
 * the queues on BullMQ (`consume: false` in a web process: it enqueues, the worker runs).
 */
export function redisParts(url: string, consume: boolean): TodoAppParts & { close(): Promise<void> } {
  const redis = new Redis(url)
  const queues = createQueues({ backend: new BullMQBackend({ connection: url }), consume })
  return {
    store: new RedisTodoStore(redis),
    queues,
    async close() {
      await queues.stop()
      await redis.quit().catch(() => redis.disconnect()) // Redis away: drop the connection
    },
  }
}

/** `REDIS_URL`, which the scaled-out example's processes need. */
export function redisUrl(): string {
  const url = process.env.REDIS_URL
  if (!url) throw new Error('REDIS_URL is not set: start the scaled-out example with `npm run start:scaled`')
  return url
}
