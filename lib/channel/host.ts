import { randomUUID } from 'node:crypto'

import { settlesWithin } from '../close-options.js'
import { ForbiddenError, ServiceUnavailableError } from '../errors.js'
import type { HttpAnswer, HttpRequestLike } from '../http/answer.js'
import type { Session } from '../types.js'
import { ChannelConnection } from './connection.js'
import type { ChannelBroker } from './broker.js'
import type { ChannelRuntime } from './runtime.js'
import { Topics } from './topics.js'
import type { ChannelWiring } from './wiring.js'

/** How long an upgrade waits for the broker to subscribe before it is admitted anyway. */
const SUBSCRIBE_WAIT_MS = 2000

/** One open WebSocket, as a transport (the `ws` server, the standalone server) gives it. */
export interface ChannelSocket {
  /** Sends still reach the client: neither side has started to close. */
  readonly isOpen: boolean
  /** Sends a text frame. The transport drops a client that leaves too much of them unread. */
  send(text: string): void
  /** Starts the close handshake. */
  close(code: number, reason?: string): void
}

/** What the transport reports of an open socket, in the order it happened. */
export interface SocketEvents {
  message(text: string): void
  /** A binary message: channels speak JSON text, so it is answered with an error. */
  binary(): void
  /** The socket closed, from either side; nothing more comes of it. */
  closed(): void
}

/** The channels' open connections, for tests and health checks. */
export interface OpenChannels {
  /** Open connections. */
  readonly connections: number
  /** How many connections of `channel` listen to `topic`. */
  subscribers(channel: string, topic: string): number
}

/** The limits and policies that do not depend on the transport. */
export interface ChannelPolicy {
  /** Messages of one connection waiting for their turn before it is closed with 1008 (default 100). */
  maxQueuedMessages?: number
  /** Bytes of one connection's waiting messages before it is closed with 1008 (default 8 MiB). */
  maxQueuedBytes?: number
  /** Open connections at most; more upgrades are refused with 503 (default 10,000). */
  maxConnections?: number
  /**
   * Origins allowed to connect (`https://app.example`). Default: only the server's own host,
   * so that another site cannot open a socket with a visitor's cookies. Requests without an
   * `Origin` header (not from a browser) are allowed.
   */
  allowedOrigins?: readonly string[]
  /**
   * Carries `publish` to the subscribers on the app's other processes (`RedisChannelBroker`
   * from `@pikku/native/redis`); without one, broadcasts stay in this process. You own it:
   * close it after the server.
   */
  broker?: ChannelBroker
}

/** A channel the engine matched to an upgrade request, with its params and session. */
export interface Admitted {
  channel: ChannelWiring
  index: number
  params: Record<string, string>
  session: unknown
}

/**
 * The transport-free part of serving channels: which upgrades are admitted (origin,
 * connection limit, route and session through the app), and what runs for each message and
 * lifecycle event of a connection. Transports translate sockets and frames, nothing else.
 */
export class ChannelHost implements OpenChannels {
  private readonly topics = new Map<string, Topics<ChannelConnection>>() // one set per channel: no crosstalk
  private readonly live = new Set<ChannelConnection>()
  private readonly limits: { messages: number; bytes: number; connections: number }
  /** Set by `close()`: no upgrade is admitted, no new message is queued. */
  private closing = false
  /** Set when the grace period of `close()` ends: nothing queued starts any more. */
  private abandoned = false
  /** Settles once the broker delivers other processes' broadcasts here (at once without one). */
  private readonly subscribed: Promise<void>
  /** Set once `subscribed` settles: upgrades then wait for nothing (no timer each). */
  private isSubscribed = false

  constructor(
    private readonly runtime: ChannelRuntime,
    private readonly policy: ChannelPolicy = {},
  ) {
    this.limits = {
      messages: policy.maxQueuedMessages ?? 100,
      bytes: policy.maxQueuedBytes ?? 8 * 1024 * 1024,
      connections: policy.maxConnections ?? 10_000,
    }
    this.subscribed = policy.broker
      ? policy.broker.subscribe((channel, topic, text) => this.deliver(channel, topic, text)).catch((error: unknown) => {
          runtime.logger.error('pikku: the channel broker could not subscribe; broadcasts from other processes will not arrive', error)
        })
      : Promise.resolve()
    void this.subscribed.then(() => (this.isSubscribed = true))
  }

  /** A broadcast from another process, to this process's subscribers of the topic. */
  private deliver(channel: string, topic: string, text: string): void {
    for (const connection of this.topics.get(channel)?.audience(topic) ?? []) connection.sendText(text)
  }

  get connections(): number {
    return this.live.size
  }

  subscribers(channel: string, topic: string): number {
    return this.topics.get(channel)?.size(topic) ?? 0
  }

  /** Decides an upgrade request: the channel it opens, or the answer that refuses it. */
  async admit(request: HttpRequestLike): Promise<{ admitted: Admitted } | { refused: HttpAnswer }> {
    const refusal =
      originRefusal(request, this.policy.allowedOrigins) ??
      (this.closing ? new ServiceUnavailableError('The server is closing; connect again') : undefined) ??
      (this.live.size >= this.limits.connections ? new ServiceUnavailableError('Too many open connections; try again later') : undefined)
    if (refusal) return { refused: this.runtime.failure(refusal, request) }
    try {
      // A connection admitted once subscribed misses no broadcast of the others; while the
      // broker cannot reach its server (it says so and keeps trying), upgrades wait no longer.
      if (!this.isSubscribed) await settlesWithin(this.subscribed, SUBSCRIBE_WAIT_MS)
      const found = await this.runtime.connect(request)
      return 'refused' in found ? found : { admitted: found }
    } catch (error) {
      return { refused: this.runtime.failure(error, request) }
    }
  }

  /**
   * Gets the open connections ready to close: admits no more upgrades, answers new messages
   * with an error, waits up to `graceMs` for the messages already running, then gives each
   * message still owed its reply an error reply. The transport then closes the sockets (1001).
   */
  async close(graceMs: number): Promise<void> {
    this.closing = true
    const running = Promise.all(Array.from(this.live, (connection) => connection.queue))
    let timer: ReturnType<typeof setTimeout> | undefined
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))
    await Promise.race([running, grace])
    clearTimeout(timer)
    this.abandoned = true
    for (const connection of this.live) {
      for (const seq of connection.unanswered) connection.reply(seq, closingReply(this.runtime, seq))
    }
  }

  /** Serves an admitted connection on `socket`; the transport reports its events to the result. */
  open(socket: ChannelSocket, admitted: Admitted): SocketEvents {
    const { channel: wiring, index, params } = admitted
    const topics = this.topics.get(wiring.name) ?? this.topics.set(wiring.name, new Topics()).get(wiring.name)!
    const { broker } = this.policy
    const broadcast = broker ? (topic: string, text: string) => broker.publish(wiring.name, topic, text) : undefined
    const connection = new ChannelConnection(randomUUID(), wiring.name, params, admitted.session as Session | undefined, socket, topics, broadcast)
    const context = { channel: connection.channel, userSession: connection.userSession }
    const { runtime, limits } = this
    this.live.add(connection)
    if (wiring.onConnect) {
      connection.queue = runtime.event(wiring.onConnect, params, context).catch((error: unknown) => {
        connection.refused = true // what it had queued, and anything later, does not run
        connection.sendText(JSON.stringify({ error: runtime.errorBody(error) }))
        socket.close(1008, 'refused by onConnect')
      })
    }
    return {
      message: (text) => {
        if (connection.refused) return
        const seq = ++connection.received
        if (this.closing) return connection.sendText(closingReply(runtime, seq))
        connection.unanswered.add(seq)
        connection.waiting++
        connection.waitingBytes += text.length
        if (connection.waiting > limits.messages || connection.waitingBytes > limits.bytes) {
          connection.refused = true
          socket.close(1008, 'too many messages waiting')
          return
        }
        connection.queue = connection.queue
          .then(async () => {
            if (connection.refused || this.abandoned) return
            const reply = await runtime.message(index, seq, text, context)
            if (typeof reply === 'string') return connection.reply(seq, reply)
            // The reference's format: maybe no reply, maybe a close after it.
            connection.reply(seq, reply.text)
            if (reply.close) {
              connection.refused = true // what was queued after it does not run
              socket.close(reply.close.code, reply.close.reason)
            }
          })
          .catch((error: unknown) => connection.reply(seq, JSON.stringify({ seq, error: runtime.errorBody(error) })))
          .finally(() => {
            connection.waiting--
            connection.waitingBytes -= text.length
          })
      },
      binary: () => {
        if (connection.refused) return
        const seq = ++connection.received
        connection.sendText(JSON.stringify({ seq, error: { name: 'UnsupportedMediaTypeError', message: 'Channel messages are JSON text frames' } }))
      },
      closed: () => {
        this.live.delete(connection)
        connection.leave()
        const onDisconnect = wiring.onDisconnect
        if (onDisconnect && !connection.refused) {
          connection.queue = connection.queue.then(() => runtime.event(onDisconnect, params, context)).catch((error: unknown) => void runtime.errorBody(error)) // logged
        }
      },
    }
  }
}

/** The error reply to message `seq` when the server closes before it ran or finished. */
function closingReply(runtime: ChannelRuntime, seq: number): string {
  return JSON.stringify({ seq, error: runtime.errorBody(new ServiceUnavailableError('The server closed before this message was handled; send it again after reconnecting')) })
}

/** A 403 for a browser page from another origin (cross-site WebSocket hijacking). */
function originRefusal(request: HttpRequestLike, allowed: readonly string[] | undefined): ForbiddenError | undefined {
  const origin = request.headers.get('origin')
  if (origin === undefined) return undefined
  if (allowed ? allowed.includes(origin) : sameHost(origin, request.headers.get('host'))) return undefined
  return new ForbiddenError(`Origin ${origin} may not open this channel; add it to the channel options' \`allowedOrigins\``)
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host
  } catch {
    return false
  }
}
