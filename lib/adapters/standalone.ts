import type { PikkuApp } from '../app.js'
import { portOf } from '../app/port.js'
import { ChannelHost, type ChannelPolicy, type OpenChannels } from '../channel/host.js'
import { LISTEN_LIMITS, type BatchEntry, type CallEntry } from '../generated/standalone.js'
import { graceOf, type CloseOptions } from '../close-options.js'
import type { HttpRequestLike } from '../http/answer.js'
import { PikkuStartupError } from '../startup-error.js'
import { NO_BODY } from '../http/node.js'
import { serverClose, serverListen, serverPort, serverTake } from '../native.js'
import { HeaderBlock } from '../standalone/header-block.js'
import { Outbox } from '../standalone/outbox.js'
import { StandaloneSockets } from '../standalone/sockets.js'

/** Where the standalone server listens. */
export interface ListenOptions {
  /** The TCP port; 0 (the default) lets the system pick one (see `port` on the result). */
  port?: number
  /** The address to bind (default `127.0.0.1`; `0.0.0.0` for every interface). */
  host?: string
  /** The server's threads for HTTP, routing and validation (default: one per CPU). */
  threads?: number
  /**
   * The most headers a request may have, up to 1024; a request with more is answered 431.
   * Up to 100 (the default) the parser keeps them on the stack; above, it allocates two
   * buffers of `maxHeaders` entries for every request. The request line and headers are
   * limited to 16 KB in any case, as in Node.
   */
  maxHeaders?: number
  /**
   * How many connections the kernel may queue before the server accepts them (default 511,
   * as Node's `server.listen`); more arriving at once are refused or retried by the client.
   * Raise it for bursts of thousands of new connections; Linux caps it at
   * `net.core.somaxconn` (4096 on recent kernels).
   */
  backlog?: number
  /** Limits and policies of the app's WebSocket channels, which the server serves on its port. */
  channels?: StandaloneChannelOptions
}

/** Limits and policies of the standalone server's channels. */
export interface StandaloneChannelOptions extends ChannelPolicy {
  /** The largest message in bytes (default: the app's `maxBodyBytes`); larger ones close the socket with 1009. */
  maxMessageBytes?: number
  /** Bytes queued for one client before it counts as too slow and is dropped (default 4 MiB). */
  maxBufferedBytes?: number
  /** How often a ping checks that a client is alive (default 30 s); one without a pong by the next ping is dropped. */
  pingIntervalMs?: number
}

/** A running standalone server. */
export interface StandaloneServer {
  /** The port it listens on. */
  readonly port: number
  /** `http://host:port`. */
  readonly url: string
  /** The app's open channel connections. */
  readonly channels: OpenChannels
  /**
   * Stops accepting connections and lets requests and channel messages in flight finish within
   * the grace period (`graceMs`, default 10 s); past it, requests still running are answered
   * 503 and messages get an error reply. Then it closes open sockets (1001) and resolves.
   */
  close(options?: CloseOptions): Promise<void>
}

/**
 * Serves the app's routes from Rust: hyper on tokio owns the socket, parses HTTP, routes,
 * validates and decodes sessions on its own threads, and answers the engine's errors itself;
 * only requests that reach a function come to JavaScript, many at once, in batches. HTTP/1.1
 * with keep-alive. The app's WebSocket channels are served on the same port: Rust speaks the
 * protocol (frames, pings, limits); upgrades are decided and messages run in JavaScript, as
 * behind `attachChannels`.
 *
 * ```ts
 * const server = listen(app, { port: 3000 })
 * // later
 * await server.close()
 * ```
 */
export function listen(app: PikkuApp, options: ListenOptions = {}): StandaloneServer {
  const address = options.host ?? '127.0.0.1'
  const requestedPort = whole(options, 'port', 0, 65535) ?? 0 // 0: one the system picks
  const { built, http, channels: runtime } = portOf(app)
  const uploads = built.routes.filter(({ target }) => target.upload)
  if (uploads.length > 0) {
    throw new PikkuStartupError(
      uploads.map(({ target }) => ({
        code: 'PIKKU_ERR_LISTEN',
        subject: `route \`${target.label}\``,
        message: 'it takes uploads, which the standalone server does not stream to JavaScript yet',
        fix: 'serve the app with node:http, Express, Fastify or the Fetch handler, or drop `upload`',
      })),
    )
  }
  const channelOptions = options.channels ?? {}
  const settings = {
    threads: whole(options, 'threads', ...LISTEN_LIMITS.threads) ?? 0, // 0: one per CPU
    maxHeaders: whole(options, 'maxHeaders', ...LISTEN_LIMITS.maxHeaders) ?? 0, // 0: hyper's 100
    backlog: whole(options, 'backlog', ...LISTEN_LIMITS.backlog) ?? 0, // 0: Node's 511
    // The engine's error answers go to JavaScript when global middleware must see them.
    errorsToJs: built.globalChain.length > 0,
    // A session hook may supply a session the engine found missing (the engine is asked again).
    sessionHook: built.enrichSession !== undefined,
    sockets: runtime.any
      ? {
          maxMessageBytes: channelLimit(channelOptions, 'maxMessageBytes', http.maxBodyBytes),
          maxBufferedBytes: channelLimit(channelOptions, 'maxBufferedBytes', 4 * 1024 * 1024),
          pingIntervalMs: channelLimit(channelOptions, 'pingIntervalMs', 30_000),
        }
      : undefined,
  }
  const channels = new ChannelHost(runtime, channelOptions)
  const handle = serverListen(built.engineConfig, address, requestedPort, settings, () => {
    // The batch's shapes are generated from crates/pikku-server/src/batch.rs.
    for (const entry of JSON.parse(serverTake(handle)) as BatchEntry[]) {
      if (isCall(entry)) answer(entry)
      else if (entry[0] === 's') {
        sockets.awaitStream(entry[1])
        answer(entry.slice(2) as CallEntry, entry[1])
      }
      else sockets.take(entry)
    }
  })
  const outbox = new Outbox(handle, app.logger)
  const sockets = new StandaloneSockets(channels, outbox)
  /** Answers call `id`; `stream`: the id its events go to, when it may answer with an event stream. */
  const answer = ([id, method, url, headers, wire, body]: CallEntry, stream?: number): void => {
    const request: HttpRequestLike = { method, url, headers: new HeaderBlock(headers) }
    // The body travels only when the session hook may supply a missing session: base64, or
    // `null` when it went over the limit.
    const bytes = body === undefined ? NO_BODY : body === null ? null : Buffer.from(body, 'base64')
    http.respond(
      request,
      bytes,
      (result) => {
        outbox.answer(id, result)
        if (result.stream) sockets.stream(stream, result.stream)
        else if (stream !== undefined) sockets.answeredPlain(stream)
      },
      (error) => {
        outbox.answer(id, http.failure(error, request))
        if (stream !== undefined) sockets.answeredPlain(stream)
      },
      { first: wire },
    )
  }
  const port = serverPort(handle)
  return {
    port,
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    channels,
    close: async (closeOptions) => {
      const grace = graceOf(closeOptions)
      const started = performance.now()
      sockets.endStreams() // an event stream lasts until its function ends it: the server's close ends it
      await channels.close(grace)
      outbox.flush() // the replies go out before the sockets' close
      await serverClose(handle, Math.max(0, Math.round(grace - (performance.now() - started))))
    },
  }
}

/** `options[name]` (`label` in errors), checked to be a whole number from `min` to `max` (a RangeError naming it otherwise). */
function whole<O extends object>(options: O, name: keyof O & string, min: number, max: number, label: string = name): number | undefined {
  const value: unknown = options[name]
  if (value === undefined) return undefined
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value
  const shown = typeof value === 'number' ? String(value) : `${typeof value === 'string' ? JSON.stringify(value) : String(value)} (a ${typeof value})`
  throw new RangeError(`PIKKU_ERR_LISTEN: ${label} must be a whole number from ${min} to ${max}, not ${shown}`)
}

/** A channel limit for the server: a whole number from 1 to 2^32 - 1, or `fallback`. */
function channelLimit(options: StandaloneChannelOptions, name: 'maxMessageBytes' | 'maxBufferedBytes' | 'pingIntervalMs', fallback: number): number {
  return whole(options, name, 1, 0xffff_ffff, `channels.${name}`) ?? fallback
}

/** A request for a function (`[id, …]`), rather than a socket's entry (`[tag, …]`). */
function isCall(entry: BatchEntry): entry is CallEntry {
  return typeof entry[0] === 'number'
}
