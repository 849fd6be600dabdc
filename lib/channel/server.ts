import { randomUUID } from 'node:crypto'
import { STATUS_CODES, type IncomingMessage, type Server } from 'node:http'
import type { Duplex } from 'node:stream'

import { WebSocketServer, type RawData, type WebSocket } from 'ws'

import type { PikkuApp } from '../app.js'
import { ForbiddenError, ServiceUnavailableError } from '../errors.js'
import type { HttpAnswer } from '../http/answer.js'
import { nodeRequest } from '../http/node.js'
import { ChannelConnection } from './connection.js'
import { Topics } from './topics.js'
import type { ChannelWiring } from './wiring.js'

/** Limits and policies of the channel server. */
export interface ChannelServerOptions {
  /** The largest message in bytes (default: the app's `maxBodyBytes`); larger ones close the socket with 1009. */
  maxMessageBytes?: number
  /** Bytes queued for one client before it counts as too slow and is dropped (default 4 MiB). */
  maxBufferedBytes?: number
  /** How often a ping checks that a client is alive (default 30 s); one without a pong by the next ping is dropped. */
  pingIntervalMs?: number
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
  /** Leave upgrades to paths without a channel to the server's other `upgrade` listeners (default: answer 404). */
  passUnmatched?: boolean
}

/** The channel server attached to an `http.Server`. */
export interface ChannelServer {
  /** Open connections. */
  readonly connections: number
  /** How many connections of `channel` listen to `topic`. */
  subscribers(channel: string, topic: string): number
  /** Closes every connection (1001) and stops serving upgrades. */
  close(): Promise<void>
}

/**
 * Serves the app's channels on an `http.Server` — the one of `node:http`, or the one Express
 * listens on. Upgrade requests are routed and their sessions decoded by the engine; a channel
 * with `auth` refuses an upgrade without a session with 401.
 *
 * ```ts
 * const server = createServer(createRequestListener(app))   // or: createServer(expressApp)
 * attachChannels(app, server)
 * server.listen(3000)
 * ```
 */
export function attachChannels(app: PikkuApp, server: Server, options: ChannelServerOptions = {}): ChannelServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes ?? app.maxBodyBytes })
  const topics = new Map<string, Topics<ChannelConnection>>() // one set per channel: no crosstalk
  const topicsOf = (channel: string) => topics.get(channel) ?? topics.set(channel, new Topics()).get(channel)!
  const limits = {
    buffered: options.maxBufferedBytes ?? 4 * 1024 * 1024,
    messages: options.maxQueuedMessages ?? 100,
    bytes: options.maxQueuedBytes ?? 8 * 1024 * 1024,
    connections: options.maxConnections ?? 10_000,
  }
  const alive = new WeakSet<WebSocket>()

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy()) // a client that resets must not crash the server
    const request = nodeRequest(req)
    const refusal = originRefusal(req, options.allowedOrigins) ?? (wss.clients.size >= limits.connections ? new ServiceUnavailableError('Too many open connections; try again later') : undefined)
    if (refusal) {
      refuse(socket, app.failure(refusal, request))
      return
    }
    app.connectChannel(request).then(
      (found) => {
        if ('refused' in found) {
          if (found.refused.unmatched && options.passUnmatched) return
          refuse(socket, found.refused)
          return
        }
        if (socket.destroyed) return
        wss.handleUpgrade(req, socket, head, (ws) => serveConnection(ws, found))
      },
      (error: unknown) => refuse(socket, app.failure(error, request)),
    )
  }

  const serveConnection = (ws: WebSocket, found: { channel: ChannelWiring; index: number; params: Record<string, string>; session: unknown }) => {
    const { channel: wiring, index, params } = found
    const connection = new ChannelConnection(randomUUID(), wiring.name, params, found.session as never, ws, topicsOf(wiring.name), limits.buffered)
    const context = { channel: connection.channel, userSession: connection.userSession }
    alive.add(ws)
    ws.on('pong', () => alive.add(ws))
    ws.on('error', () => ws.terminate())
    if (wiring.onConnect) {
      connection.queue = app.channelEvent(wiring.onConnect, params, context).catch((error: unknown) => {
        connection.refused = true // what it had queued, and anything later, does not run
        connection.sendText(JSON.stringify({ error: app.errorBody(error) }))
        ws.close(1008, 'refused by onConnect')
      })
    }
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (connection.refused) return
      const seq = ++connection.received
      if (isBinary) {
        connection.sendText(JSON.stringify({ seq, error: { name: 'UnsupportedMediaTypeError', message: 'Channel messages are JSON text frames' } }))
        return
      }
      const text = rawText(data)
      connection.waiting++
      connection.waitingBytes += text.length
      if (connection.waiting > limits.messages || connection.waitingBytes > limits.bytes) {
        connection.refused = true
        ws.close(1008, 'too many messages waiting')
        return
      }
      connection.queue = connection.queue
        .then(async () => {
          if (connection.refused) return
          connection.sendText(await app.channelMessage(index, seq, text, context))
        })
        .catch((error: unknown) => connection.sendText(JSON.stringify({ seq, error: app.errorBody(error) })))
        .finally(() => {
          connection.waiting--
          connection.waitingBytes -= text.length
        })
    })
    ws.on('close', () => {
      connection.leave()
      const onDisconnect = wiring.onDisconnect
      if (onDisconnect && !connection.refused) {
        connection.queue = connection.queue.then(() => app.channelEvent(onDisconnect, params, context)).catch((error: unknown) => void app.errorBody(error)) // logged
      }
    })
  }
  server.on('upgrade', onUpgrade)

  const pings = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate() // no pong since the last ping
        continue
      }
      alive.delete(ws)
      ws.ping()
    }
  }, options.pingIntervalMs ?? 30_000)
  pings.unref()

  return {
    get connections() {
      return wss.clients.size
    },
    subscribers: (channel, topic) => topics.get(channel)?.size(topic) ?? 0,
    close() {
      clearInterval(pings)
      server.off('upgrade', onUpgrade)
      for (const ws of wss.clients) ws.close(1001, 'server closing')
      return new Promise<void>((resolve) => wss.close(() => resolve()))
    },
  }
}

/** A 403 for a browser page from another origin (cross-site WebSocket hijacking). */
function originRefusal(req: IncomingMessage, allowed: readonly string[] | undefined): ForbiddenError | undefined {
  const origin = req.headers.origin
  if (origin === undefined) return undefined
  if (allowed ? allowed.includes(origin) : sameHost(origin, req.headers.host)) return undefined
  return new ForbiddenError(`Origin ${origin} may not open this channel; add it to attachChannels' \`allowedOrigins\``)
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host
  } catch {
    return false
  }
}

/** Answers a refused upgrade with the error table's status and body. */
function refuse(socket: Duplex, answer: HttpAnswer): void {
  if (socket.destroyed) return
  const body = answer.body ?? ''
  socket.end(
    `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? 'Error'}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  )
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return (Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8')
}
