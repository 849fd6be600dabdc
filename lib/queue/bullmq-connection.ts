// Where BullMQ keeps its queues, as the BullMQ backend and scheduler take it: a Redis URL,
// ioredis options or client, or `{ postgres }` for BullMQ's PostgreSQL backend; and `bullmq`
// itself, an optional peer dependency loaded when one of them is made.
import type * as BullMQ from 'bullmq'

/** Where BullMQ keeps the queues. */
export type BullMQConnection =
  /** A Redis URL: `redis://[user:password@]host:port[/db]` (`rediss://` for TLS). */
  | string
  /** ioredis options (`{ host, port, password, tls }`), or an ioredis client you own. */
  | BullMQ.ConnectionOptions
  /** PostgreSQL 13+: a connection string, a node-postgres pool config, or a `pg.Pool`. */
  | { postgres: BullMQ.PostgresConnectionOptions }

// BullMQ's classes are generic in their backend and connection, which are picked at run time
// here (Redis or PostgreSQL): they are held by these wide types.
export type AnyQueue = BullMQ.Queue<any, any, string, any, any, string, any, any>
export type AnyWorker = BullMQ.Worker<any, any, string, any, any, any>

/** What BullMQ's constructors take for a connection: its options, and the backend factory (PostgreSQL). */
export interface ResolvedConnection {
  connection: BullMQ.ConnectionOptions | BullMQ.PostgresConnectionOptions
  factory: BullMQ.BackendFactory<any, any> | undefined
  /** The server, for messages (no password). */
  where: string
}

/**
 * BullMQ's connection options and backend factory for `connection`. `prefix` namespaces the
 * keys on Redis; on PostgreSQL, where BullMQ namespaces by schema, it names the schema unless
 * the config names one (a `pg.Pool` given as is keeps BullMQ's schema, `bullmq`).
 */
export function connectionFor(connection: BullMQConnection, prefix: string, connectTimeoutMs = 10_000): ResolvedConnection {
  const where = describeServer(connection)
  if (typeof connection === 'object' && connection !== null && 'postgres' in connection) {
    return { connection: migrating(connection.postgres, prefix, connectTimeoutMs), factory: loadBullMQ().createPostgresBackend, where }
  }
  return { connection: typeof connection === 'string' ? redisOptions(connection) : connection, factory: undefined, where }
}

/**
 * A PostgreSQL connection on schema `schema` (unless the config names one) that brings
 * BullMQ's tables up to date when it first connects (each process of a deploy may: BullMQ's
 * migrations take a lock), unless the config says how to migrate, and gives up a connection
 * attempt after `connectTimeoutMs` (an unreachable host would hold it for minutes). A
 * `pg.Pool` given as is cannot carry any of these: its owner sets them.
 */
function migrating(connection: BullMQ.PostgresConnectionOptions, schema: string, connectTimeoutMs: number): BullMQ.PostgresConnectionOptions {
  const defaults = { schema, connectionTimeoutMillis: connectTimeoutMs }
  if (typeof connection === 'string') return { connectionString: connection, ...defaults, migrate: true }
  if (typeof (connection as { query?: unknown }).query === 'function') return connection // a pg.Pool
  const config = { ...defaults, ...(connection as BullMQ.PostgresPoolConfig) }
  return config.migrate === undefined && !config.skipMigrations ? { ...config, migrate: true } : config
}

/** The server a connection names, for messages: no password. */
function describeServer(connection: BullMQConnection): string {
  if (typeof connection === 'string') {
    try {
      const url = new URL(connection)
      url.password = ''
      url.username = ''
      return url.toString()
    } catch {
      return 'the Redis server'
    }
  }
  if (typeof connection === 'object' && connection !== null && 'postgres' in connection) return 'the PostgreSQL server'
  const { host, port } = connection as { host?: string; port?: number }
  return host || port ? `Redis at ${host ?? '127.0.0.1'}:${port ?? 6379}` : 'the Redis server'
}

/** ioredis options for a `redis://` URL. */
function redisOptions(url: string): BullMQ.ConnectionOptions {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new TypeError(`PIKKU_ERR_QUEUE: BullMQBackend: \`connection\` ${JSON.stringify(url)} is not a URL; give redis://host:port or { postgres: 'postgres://…' }`)
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new TypeError(`PIKKU_ERR_QUEUE: BullMQBackend: \`connection\` ${JSON.stringify(url)} is not a redis:// URL; for PostgreSQL give { postgres: '${url}' }`)
  }
  const db = parsed.pathname.length > 1 ? Number(parsed.pathname.slice(1)) : undefined
  return {
    host: parsed.hostname,
    port: parsed.port ? Number(parsed.port) : 6379,
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
    ...(db !== undefined && Number.isInteger(db) ? { db } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  }
}

/** `bullmq`, or a start-up error saying how to install it. */
export function loadBullMQ(): typeof BullMQ {
  try {
    return require('bullmq') as typeof BullMQ
  } catch (error) {
    throw new Error(
      `PIKKU_ERR_QUEUE: the BullMQ backend needs the \`bullmq\` package (and \`ioredis\` for Redis or \`pg\` for PostgreSQL): npm install bullmq ioredis (${(error as Error).message})`,
    )
  }
}
