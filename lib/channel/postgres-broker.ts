// Channel broadcasts across processes over PostgreSQL LISTEN/NOTIFY: each process notifies
// what its connections publish on one PostgreSQL channel and delivers what the others notified
// to its own subscribers. A notification carries less than 8000 bytes, so a larger broadcast
// goes as numbered pieces sent in one statement (one transaction: PostgreSQL delivers them
// together and in order) and is put together again on arrival. `pg` is an optional peer
// dependency, loaded when a broker is made.
import { randomUUID } from 'node:crypto'

import type { Logger } from '../types.js'
import type { ChannelBroker } from './broker.js'
import { joinPieces, splitIntoPieces } from './notify-pieces.js'

/** How the PostgreSQL broker is set up. */
export interface PostgresChannelBrokerOptions {
  /** The server: `postgres://user:password@host:port/database`. */
  url: string
  /** The PostgreSQL channel the broadcasts travel on (default `pikku_channels`): apps sharing a database differ by it. */
  pgChannel?: string
  /** Where lost and regained connections are logged (default `console`). */
  logger?: Logger
}

// The little of node-postgres used here (it ships no types of its own).
interface PgNotification {
  channel: string
  payload?: string
}
interface PgClient {
  connect(): Promise<void>
  query(text: string, values?: unknown[]): Promise<unknown>
  end(): Promise<void>
  on(event: 'notification', listener: (message: PgNotification) => void): void
  on(event: 'error' | 'end', listener: (error?: Error) => void): void
}
interface PgPool {
  query(text: string, values?: unknown[]): Promise<unknown>
  end(): Promise<void>
  on(event: 'error', listener: (error: Error) => void): void
}
interface Pg {
  Client: new (config: { connectionString: string; keepAlive: boolean; keepAliveInitialDelayMillis: number }) => PgClient
  Pool: new (config: { connectionString: string; max: number }) => PgPool
}

/** The longest wait between two tries to listen again. */
const MAX_RETRY_MS = 5000

/**
 * Channel broadcasts over PostgreSQL LISTEN/NOTIFY, for apps that run on PostgreSQL alone. A
 * broadcast is delivered at most once to each subscriber, on every process listening when it
 * is published (PostgreSQL keeps nothing for a process that is disconnected at that moment).
 *
 * ```ts
 * import { PostgresChannelBroker } from '@pikku/native/postgres'
 * attachChannels(app, server, { broker: new PostgresChannelBroker({ url: 'postgres://app@db/app' }) })
 * ```
 */
export class PostgresChannelBroker implements ChannelBroker {
  /** Tags this process's broadcasts, so that it does not deliver them a second time. */
  private readonly origin = randomUUID()
  private readonly pg: Pg
  private readonly url: string
  private readonly pgChannel: string
  private readonly logger: Logger
  private readonly publisher: PgPool
  private listener: PgClient | undefined
  private deliver: ((channel: string, topic: string, text: string) => void) | undefined
  private closing = false
  private sent = 0
  /** Pieces of broadcasts not yet whole, by origin and number. */
  private readonly partial = new Map<string, string[]>()

  constructor(options: PostgresChannelBrokerOptions) {
    this.pg = loadPg()
    this.url = options.url
    this.pgChannel = options.pgChannel ?? 'pikku_channels'
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(this.pgChannel)) {
      throw new Error(`PIKKU_ERR_CHANNEL: PostgresChannelBroker: \`pgChannel\` ${JSON.stringify(this.pgChannel)} is not a plain PostgreSQL name; use lower-case letters, digits and _`)
    }
    this.logger = options.logger ?? console
    // One connection: broadcasts commit, and so arrive, in the order they were published.
    this.publisher = new this.pg.Pool({ connectionString: this.url, max: 1 })
    this.publisher.on('error', (error) => this.warn(`pikku: the channel broker's publisher lost PostgreSQL (${error.message})`))
  }

  publish(channel: string, topic: string, text: string): void {
    let pieces: string[]
    try {
      pieces = splitIntoPieces(`${this.origin}:${++this.sent}`, JSON.stringify([channel, topic, text]))
    } catch (error) {
      return this.warn(`pikku: a channel broadcast was not sent to PostgreSQL: ${(error as Error).message}`)
    }
    this.publisher
      .query('SELECT pg_notify($1, piece) FROM unnest($2::text[]) WITH ORDINALITY AS p(piece, n) ORDER BY n', [this.pgChannel, pieces])
      .catch((error: Error) => this.warn(`pikku: a channel broadcast was not sent to PostgreSQL: ${error.message}`))
  }

  /** Resolves once listening; while PostgreSQL cannot be reached, it says so and tries again. */
  async subscribe(deliver: (channel: string, topic: string, text: string) => void): Promise<void> {
    this.deliver = deliver
    for (let delayMs = 100; !this.closing; delayMs = Math.min(delayMs * 2, MAX_RETRY_MS)) {
      try {
        return await this.listen()
      } catch (error) {
        if (delayMs === 100) this.warn(`pikku: the channel broker cannot listen on PostgreSQL yet (${(error as Error).message}); trying again`)
        await new Promise((resolve) => setTimeout(resolve, delayMs))
      }
    }
  }

  async close(): Promise<void> {
    this.closing = true
    await Promise.all([this.listener?.end().catch(() => undefined), this.publisher.end().catch(() => undefined)])
  }

  /** Connects a client and listens; once it listens, its loss starts the tries to listen again. */
  private async listen(): Promise<void> {
    // Keep-alive: a connection dropped on the way (a NAT, a failover) is noticed, not waited on.
    const client = new this.pg.Client({ connectionString: this.url, keepAlive: true, keepAliveInitialDelayMillis: 10_000 })
    let listening = false
    const lose = (why: string) => {
      if (!listening || this.closing) return
      listening = false
      this.warn(`pikku: the channel broker's listener lost PostgreSQL (${why}); reconnecting`)
      void client.end().catch(() => undefined)
      void this.relisten(100)
    }
    client.on('error', (error) => lose(error?.message ?? 'error'))
    client.on('end', () => lose('connection closed'))
    client.on('notification', (message) => this.arrived(message.payload ?? ''))
    try {
      await client.connect()
      await client.query(`LISTEN "${this.pgChannel}"`)
    } catch (error) {
      void client.end().catch(() => undefined)
      throw error
    }
    if (this.closing) {
      void client.end().catch(() => undefined) // closed while it connected
      return
    }
    this.partial.clear() // pieces from before a loss will not be completed
    listening = true
    this.listener = client
  }

  /** Tries to listen again after `delayMs`, waiting twice as long after each failure. */
  private async relisten(delayMs: number): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, delayMs))
    if (this.closing) return
    try {
      await this.listen()
      this.warn("pikku: the channel broker's listener is connected to PostgreSQL again")
    } catch {
      void this.relisten(Math.min(delayMs * 2, MAX_RETRY_MS))
    }
  }

  /** A notification: a piece of a broadcast, delivered once the broadcast is whole. */
  private arrived(payload: string): void {
    const whole = joinPieces(this.partial, payload)
    if (whole === undefined || whole.origin === this.origin) return
    let parsed: unknown
    try {
      parsed = JSON.parse(whole.text)
    } catch {
      return // not one of ours
    }
    if (!Array.isArray(parsed) || parsed.length !== 3) return
    const [channel, topic, text] = parsed as unknown[]
    if (typeof channel === 'string' && typeof topic === 'string' && typeof text === 'string') this.deliver?.(channel, topic, text)
  }

  private warn(message: string): void {
    ;(this.logger.warn ?? this.logger.error).call(this.logger, message)
  }
}

/** `pg`, or an error saying how to install it. */
function loadPg(): Pg {
  try {
    const loaded = require('pg') as { default?: Pg } & Pg
    return loaded.default ?? loaded
  } catch (error) {
    throw new Error(`PIKKU_ERR_CHANNEL: the PostgreSQL channel broker needs the \`pg\` package: npm install pg (${(error as Error).message})`)
  }
}
