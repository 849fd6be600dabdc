import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

/**
 * Pipelined requests that may wait on one connection for the client to read an earlier
 * answer; one more closes the connection. Browsers do not pipeline; tools that do send
 * a few requests ahead, not hundreds.
 */
export const MOST_WAITING = 32

/** How long a client may take no byte of a waiting answer before its connection is closed
 * (as nginx's `send_timeout`: from the last byte taken, not for the whole answer). */
export const SEND_TIMEOUT_MS = 60_000

const waitingOn = new WeakMap<Socket, number>()

/**
 * Whether the request's function may start now: every earlier answer on its connection has
 * gone to the socket and the socket is not full. Node parses pipelined requests as they
 * arrive and queues their answers without a bound; a function that starts only in its turn
 * keeps a client that does not read from running functions and piling up answers.
 */
export function isTurnOf(res: ServerResponse): boolean {
  const socket = res.socket
  return socket !== null && !socket.writableNeedDrain
}

/**
 * Runs `start` when it is the request's turn (see `isTurnOf`), unless the connection closes
 * first. More than `MOST_WAITING` requests waiting on one connection close it.
 */
export function awaitTurn(req: IncomingMessage, res: ServerResponse, start: () => void): void {
  const connection = req.socket
  const waiting = (waitingOn.get(connection) ?? 0) + 1
  if (waiting > MOST_WAITING) {
    connection.destroy()
    return
  }
  waitingOn.set(connection, waiting)
  const go = () => {
    waitingOn.set(connection, waitingOn.get(connection)! - 1)
    if (!connection.destroyed) start()
  }
  const whenDrained = (socket: Socket) => (socket.writableNeedDrain ? socket.once('drain', go) : go())
  // Node hands the socket to a pipelined request's response when the answer before it went out.
  if (res.socket === null) res.once('socket', whenDrained)
  else whenDrained(res.socket)
}

const watched = new WeakSet<Socket>()

/**
 * Closes `socket` when its client takes no byte of what waits in it for `timeoutMs`; nothing
 * to do while the socket is not full.
 */
export function watchSending(socket: Socket, timeoutMs = SEND_TIMEOUT_MS): void {
  if (!socket.writableNeedDrain || watched.has(socket)) return
  watched.add(socket)
  let left = socket.writableLength
  const timer = setTimeout(() => {
    if (socket.writableLength >= left) return void socket.destroy()
    left = socket.writableLength // the client took some: it has another period
    timer.refresh()
  }, timeoutMs)
  timer.unref()
  const stop = () => {
    clearTimeout(timer)
    watched.delete(socket)
    socket.off('drain', stop).off('close', stop)
  }
  socket.on('drain', stop).on('close', stop)
}
