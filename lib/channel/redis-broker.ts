// Channel broadcasts across processes over Redis pub/sub: each process publishes what its
// connections publish on one Redis channel and delivers what the others published to its own
// subscribers. `ioredis` is an optional peer dependency, loaded when a broker is made.
import { randomUUID } from 'node:crypto'

import type IORedis from 'ioredis'

import type { Logger } from '../types.js'
import type { ChannelBroker } from './broker.js'

/** How the Redis broker is set up. */
export interface RedisChannelBrokerOptions {
  /** The Redis server: `redis://[user:password@]host:port[/db]`. */
  url: string
  /** The Redis channel the broadcasts travel on (default `pikku:channels`): apps sharing a server differ by it. */
  redisChannel?: string
  /** Where lost and regained connections are logged (default `console`). */
  logger?: Logger
}

/**
 * Channel broadcasts over Redis pub/sub. A broadcast is delivered at most once to each
 * subscriber, on every process subscribed when it is published (Redis pub/sub keeps nothing
 * for a process that is disconnected at that moment).
 *
 * ```ts
 * import { RedisChannelBroker } from '@pikku/native/redis'
 * attachChannels(app, server, { broker: new RedisChannelBroker({ url: 'redis://127.0.0.1:6379' }) })
 * ```
 */
export class RedisChannelBroker implements ChannelBroker {
  /** Tags this process's broadcasts, so that it does not deliver them a second time. */
  private readonly origin = randomUUID()
  private readonly redisChannel: string
  private readonly logger: Logger
  private readonly publisher: IORedis
  private readonly subscriber: IORedis
  /** Set by `close()`: the connections end on purpose. */
  private closing = false

  constructor(options: RedisChannelBrokerOptions) {
    const Redis = loadIORedis()
    this.redisChannel = options.redisChannel ?? 'pikku:channels'
    this.logger = options.logger ?? console
    this.publisher = new Redis(options.url, { lazyConnect: false })
    // SUBSCRIBE waits for Redis however long it is away, rather than failing after 20 tries.
    this.subscriber = new Redis(options.url, { lazyConnect: false, maxRetriesPerRequest: null })
    for (const [role, client] of [['publisher', this.publisher], ['subscriber', this.subscriber]] as const) {
      let lost = false
      const lose = (why: string) => {
        if (!lost && !this.closing) this.warn(`pikku: the channel broker's ${role} lost Redis (${why}); reconnecting`)
        lost = true
      }
      client.on('error', (error: Error) => lose(error.message))
      client.on('close', () => lose('connection closed'))
      client.on('ready', () => {
        if (lost) this.warn(`pikku: the channel broker's ${role} is connected to Redis again`)
        lost = false
      })
    }
  }

  publish(channel: string, topic: string, text: string): void {
    const message = JSON.stringify([this.origin, channel, topic, text])
    this.publisher.publish(this.redisChannel, message).catch((error: Error) => this.warn(`pikku: a channel broadcast was not sent to Redis: ${error.message}`))
  }

  async subscribe(deliver: (channel: string, topic: string, text: string) => void): Promise<void> {
    this.subscriber.on('message', (_redisChannel: string, message: string) => {
      let parsed: unknown
      try {
        parsed = JSON.parse(message)
      } catch {
        return // not one of ours
      }
      if (!Array.isArray(parsed) || parsed.length !== 4 || parsed[0] === this.origin) return
      const [, channel, topic, text] = parsed as [string, unknown, unknown, unknown]
      if (typeof channel === 'string' && typeof topic === 'string' && typeof text === 'string') deliver(channel, topic, text)
    })
    await this.subscriber.subscribe(this.redisChannel)
  }

  async close(): Promise<void> {
    this.closing = true
    await Promise.all([this.publisher.quit().catch(() => undefined), this.subscriber.quit().catch(() => undefined)])
  }

  private warn(message: string): void {
    ;(this.logger.warn ?? this.logger.error).call(this.logger, message)
  }
}

/** `ioredis`, or an error saying how to install it. */
function loadIORedis(): typeof IORedis {
  try {
    const loaded = require('ioredis') as { default?: typeof IORedis } & typeof IORedis
    return loaded.default ?? loaded
  } catch (error) {
    throw new Error(`PIKKU_ERR_CHANNEL: the Redis channel broker needs the \`ioredis\` package: npm install ioredis (${(error as Error).message})`)
  }
}
