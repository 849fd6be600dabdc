import { ServerResponse, STATUS_CODES, type IncomingMessage, type Server } from 'node:http'
import type { Socket } from 'node:net'
import type { Duplex } from 'node:stream'

import { WebSocketServer, type RawData, type WebSocket } from 'ws'

import type { PikkuApp } from '../app.js'
import { portOf } from '../app/port.js'
import { graceOf, type CloseOptions } from '../close-options.js'
import type { HttpAnswer } from '../http/answer.js'
import { nodeRequest } from '../http/node.js'
import { ChannelHost, type Admitted, type ChannelPolicy, type ChannelSocket, type OpenChannels } from './host.js'

/** Limits and policies of the channel server. */
export interface ChannelServerOptions extends ChannelPolicy {
  /** The largest message in bytes (default: the app's `maxBodyBytes`); larger ones close the socket with 1009. */
  maxMessageBytes?: number
  /** Bytes queued for one client before it counts as too slow and is dropped (default 4 MiB). */
  maxBufferedBytes?: number
  /** How often a ping checks that a client is alive (default 30 s); one without a pong by the next ping is dropped. */
  pingIntervalMs?: number
  /** Leave upgrades to paths without a channel to the server's other `upgrade` listeners (default: answer 404). */
  passUnmatched?: boolean
}

/** The channel server attached to an `http.Server`. */
export interface ChannelServer extends OpenChannels {
  /**
   * Stops serving upgrades, lets messages running finish within the grace period (or gives
   * them an error reply), then closes every connection (1001).
   */
  close(options?: CloseOptions): Promise<void>
}

/**
 * Serves the app's channels on an `http.Server` — the one of `node:http`, or the one Express
 * listens on. Upgrade requests are routed and their sessions decoded by the engine; a channel
 * with `auth` refuses an upgrade without a session with 401. (The standalone server serves
 * channels by itself: see `listen`.)
 *
 * ```ts
 * const server = createServer(createRequestListener(app))   // or: createServer(expressApp)
 * attachChannels(app, server)
 * server.listen(3000)
 * ```
 */
export function attachChannels(app: PikkuApp, server: Server, options: ChannelServerOptions = {}): ChannelServer {
  const { channels } = portOf(app)
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes ?? channels.maxMessageBytes })
  const host = new ChannelHost(channels, options)
  const maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024
  const alive = new WeakSet<WebSocket>()

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy()) // a client that resets must not crash the server
    if (!isWebSocketUpgrade(req)) {
      // Another protocol (`h2c`, as `curl --http2` asks): the server's other upgrade listeners
      // take it if it has any, else it is an ordinary request.
      if (server.listenerCount('upgrade') === 1) answerAsRequest(server, req, socket, head)
      return
    }
    void host.admit(nodeRequest(req)).then((decided) => {
      if ('refused' in decided) {
        if (!(decided.refused.unmatched && options.passUnmatched)) refuse(socket, decided.refused)
        return
      }
      if (socket.destroyed) return
      wss.handleUpgrade(req, socket, head, (ws) => serveSocket(ws, decided.admitted))
    })
  }

  const serveSocket = (ws: WebSocket, admitted: Admitted) => {
    const events = host.open(channelSocket(ws, maxBuffered), admitted)
    alive.add(ws)
    ws.on('pong', () => alive.add(ws))
    ws.on('error', () => ws.terminate())
    ws.on('message', (data: RawData, isBinary: boolean) => (isBinary ? events.binary() : events.message(rawText(data))))
    ws.on('close', () => events.closed())
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
      return host.connections
    },
    subscribers: (channel, topic) => host.subscribers(channel, topic),
    async close(closeOptions) {
      const grace = graceOf(closeOptions)
      clearInterval(pings)
      await host.close(grace)
      server.off('upgrade', onUpgrade)
      for (const ws of wss.clients) ws.close(1001, 'server closing')
      return new Promise<void>((resolve) => wss.close(() => resolve()))
    },
  }
}

/** A `ws` socket as the host sees it; a client with more than `maxBuffered` bytes unread is dropped. */
function channelSocket(ws: WebSocket, maxBuffered: number): ChannelSocket {
  return {
    get isOpen() {
      return ws.readyState === ws.OPEN
    },
    send(text) {
      if (ws.bufferedAmount + text.length > maxBuffered) {
        // A slow reader must not hold server memory: it gets dropped, the others carry on.
        ws.terminate()
        return
      }
      ws.send(text)
    },
    close: (code, reason) => ws.close(code, reason),
  }
}

/** Answers a refused upgrade with the error table's status and body. */
function isWebSocketUpgrade(req: IncomingMessage): boolean {
  return req.headers.upgrade?.toLowerCase() === 'websocket'
}

/**
 * Hands an upgrade request to the server's request listeners as Node would have without an
 * upgrade listener: the answer goes on the socket, which closes after it (Node has already
 * let go of the connection's parser).
 */
function answerAsRequest(server: Server, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  if (head.length > 0) socket.unshift(head)
  const res = new ServerResponse(req)
  res.shouldKeepAlive = false
  res.assignSocket(socket as Socket)
  res.on('finish', () => socket.end())
  server.emit('request', req, res)
}

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
