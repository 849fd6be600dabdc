import { randomUUID } from 'node:crypto'
import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'

import { WebSocketServer, type RawData, type WebSocket } from 'ws'

import type { PikkuApp } from '../app.js'
import type { HttpAnswer } from '../http/answer.js'
import { nodeRequest } from '../http/node.js'
import { ChannelConnection } from './connection.js'
import { Topics } from './topics.js'

/** Limits of the channel server. */
export interface ChannelServerOptions {
  /** The largest message in bytes (default: the app's `maxBodyBytes`); larger ones close the socket with 1009. */
  maxMessageBytes?: number
  /** Bytes queued for one client before it counts as too slow and is dropped (default 4 MiB). */
  maxBufferedBytes?: number
  /** How often a ping checks that a client is alive (default 30 s); one without a pong by the next ping is dropped. */
  pingIntervalMs?: number
  /** Messages of one connection waiting for their turn before it is closed with 1008 (default 100). */
  maxQueuedMessages?: number
}

/** The channel server attached to an `http.Server`. */
export interface ChannelServer {
  /** Open connections. */
  readonly connections: number
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
  const topics = new Topics<ChannelConnection>()
  const maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024
  const alive = new WeakSet<WebSocket>()

  const maxQueued = options.maxQueuedMessages ?? 100
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    let found: ReturnType<PikkuApp['connectChannel']>
    try {
      found = app.connectChannel(nodeRequest(req))
    } catch (error) {
      refuse(socket, app.failure(error, nodeRequest(req)))
      return
    }
    if ('refused' in found) {
      // Another upgrade listener (a dev server's) may own paths that are not channels.
      if (found.refused.unmatched && server.listenerCount('upgrade') > 1) return
      refuse(socket, found.refused)
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connection = new ChannelConnection(randomUUID(), found.channel.name, found.params, found.session, ws, topics, maxBuffered)
      const context = { channel: connection, userSession: connection.userSession }
      alive.add(ws)
      ws.on('pong', () => alive.add(ws))
      const ready = found.channel.onConnect
        ? app.channelEvent(found.channel.onConnect, found.params, context).catch((error: unknown) => {
            connection.send({ error: app.errorBody(error) })
            ws.close(1008, 'onConnect failed')
          })
        : Promise.resolve()
      connection.queue = ready
      ws.on('message', (data: RawData, isBinary: boolean) => {
        if (isBinary) {
          connection.send({ error: { name: 'UnsupportedMediaTypeError', message: 'Channel messages are JSON text frames' } })
          return
        }
        if (++connection.waiting > maxQueued) {
          ws.close(1008, 'too many messages waiting')
          return
        }
        const text = rawText(data)
        connection.queue = connection.queue
          .then(async () => {
            const reply = await app.channelMessage(found.index, text, context)
            if (reply !== undefined) connection.sendText(reply)
          })
          .catch((error: unknown) => connection.send({ error: app.errorBody(error) }))
          .finally(() => connection.waiting--)
      })
      ws.on('close', () => {
        topics.leaveAll(connection)
        const onDisconnect = found.channel.onDisconnect
        if (onDisconnect) {
          connection.queue = connection.queue
            .then(() => app.channelEvent(onDisconnect, found.params, context))
            .catch((error: unknown) => void app.errorBody(error)) // logged; nobody to tell
        }
      })
      ws.on('error', () => ws.terminate())
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
    close() {
      clearInterval(pings)
      server.off('upgrade', onUpgrade)
      for (const ws of wss.clients) ws.close(1001, 'server closing')
      return new Promise<void>((resolve) => wss.close(() => resolve()))
    },
  }
}

/** Answers a refused upgrade with the error table's status and body. */
function refuse(socket: Duplex, answer: HttpAnswer): void {
  const body = answer.body ?? ''
  const reason = answer.status === 401 ? 'Unauthorized' : answer.status === 404 ? 'Not Found' : 'Bad Request'
  socket.end(
    `HTTP/1.1 ${answer.status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  )
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  return (Buffer.isBuffer(data) ? data : Buffer.from(data)).toString('utf8')
}
