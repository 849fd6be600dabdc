import type { IncomingMessage, ServerResponse } from 'node:http'

import { carriesNoInput } from '../generated/http-methods.js'
import type { HttpAnswer, HttpRequestLike } from './answer.js'
import type { ServerEventStream } from './event-stream.js'
import { BodyBuffer } from './body-buffer.js'
import { watchSending } from './node-turns.js'

/** Whether a request's body carries input; the engine's rule, generated from it. */
export function readsBody(method: string | undefined): boolean {
  return method === undefined || !carriesNoInput(method)
}

/** The body of a request without one: a Buffer, as the bodies read from Node are, so that code
 * handling both sees one kind of object. */
export const NO_BODY: Uint8Array = Buffer.alloc(0)

/**
 * Reads a Node request body, stopping at `limit` bytes: `onBody` gets `null` when the body is
 * larger (declared by Content-Length, or counted while reading), `onError` a stream error on a
 * connection still open (when the client went away mid-body, neither runs: no one is left to
 * answer).
 * Callbacks rather than a promise: the node:http adapter spares a promise and a turn of the
 * microtask queue per request.
 *
 * Call it from the request listener: a body that arrived with the head (its whole
 * Content-Length) is taken as one buffer, without the stream's events. `onBody` runs at once
 * for a method without a body or a declared length over the limit, later otherwise; at most
 * one of the two callbacks runs, once.
 */
export function readNodeBody(req: IncomingMessage, limit: number, onBody: (body: Uint8Array | null) => void, onError: (error: Error) => void): void {
  if (!readsBody(req.method)) return onBody(NO_BODY)
  const declared = Number(req.headers['content-length'])
  if (declared > limit) return onBody(null)
  // Node runs the tick queue once the parser has pushed the body of its current read. A tick
  // with arguments, rather than a microtask: no closure, and no async resource per request.
  process.nextTick(afterHead, req, limit, declared, onBody, onError)
}

/** `readNodeBody` once the parser is done with the read that carried the head. */
function afterHead(req: IncomingMessage, limit: number, declared: number, onBody: (body: Uint8Array | null) => void, onError: (error: Error) => void): void {
  if (req.readableFlowing !== null || req.readableLength !== declared) return streamBody(req, limit, onBody, onError)
  let body: Uint8Array | null
  try {
    body = bufferedBody(req, limit)
  } catch (error) {
    return onError(error as Error) // a throw here would have no one to catch it
  }
  onBody(body)
}

/** `readNodeBody` as a promise. */
export function nodeBody(req: IncomingMessage, limit: number): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => readNodeBody(req, limit, resolve, reject))
}

/** The whole body, buffered by the parser and still unread. */
function bufferedBody(req: IncomingMessage, limit: number): Uint8Array | null {
  const body = req.read() as Buffer | null // everything buffered; null for an empty body
  // Read to its end, the stream ends on a later tick: flowing, it then emits 'end' and
  // closes, as a request whose body was streamed does.
  if (!req.readableEnded) req.resume()
  if (body === null) return NO_BODY
  return body.length > limit ? null : body
}

/** The body as it streams in, counted against `limit`. */
function streamBody(req: IncomingMessage, limit: number, onBody: (body: Uint8Array | null) => void, onError: (error: Error) => void): void {
  const body = new BodyBuffer(limit, Number(req.headers['content-length']))
  const onData = (chunk: Buffer) => {
    if (body.add(chunk)) return
    cleanup()
    req.resume()
    onBody(null)
  }
  // Each ending removes the listeners first: one callback, once, whatever the stream emits
  // later (Node destroys a request at its end, but a wrapped stream need not).
  const onEnd = () => {
    cleanup()
    onBody(body.bytes())
  }
  const onFailure = (error: Error) => {
    cleanup()
    // The client went away mid-body, or sent one Node could not parse (Node answered it 400):
    // no one is left to answer, and nothing failed on our side.
    if (req.socket?.destroyed) return
    onError(error)
  }
  const cleanup = () => {
    req.off('data', onData)
    req.off('end', onEnd)
    req.off('error', onFailure)
  }
  req.on('data', onData)
  req.on('end', onEnd)
  req.on('error', onFailure)
}

/** The request descriptor of a Node request. */
export function nodeRequest(req: IncomingMessage, url: string = req.url ?? '/'): HttpRequestLike {
  return { method: req.method ?? 'GET', url, headers: new NodeHeaders(req) }
}

/** A Node request's headers by lower-case name, repeated ones joined (a class: no closure per request). */
class NodeHeaders {
  constructor(private readonly req: IncomingMessage) {}

  get(name: string): string | undefined {
    const value = this.req.headers[name]
    return Array.isArray(value) ? value.join(', ') : value
  }
}

/** Writes an answer to a Node response. */
export function writeNodeAnswer(res: ServerResponse, answer: HttpAnswer): void {
  if (answer.stream) return writeNodeStream(res, answer, answer.stream)
  const headers = answer.headers ?? {}
  // A known length spares the chunked encoding that writeHead() would otherwise choose.
  headers['content-length'] = answer.body === undefined ? '0' : String(Buffer.byteLength(answer.body))
  res.writeHead(answer.status, headers)
  // Node sends the head in the body's encoding when the body is a string: with a Buffer it
  // sends it in Latin-1, a byte per character, as header values are.
  res.end(answer.latin1Headers ? Buffer.from(answer.body ?? '') : answer.body)
  // What the socket could not take at once waits in memory: a client must read it in time.
  if (res.socket?.writableNeedDrain) watchSending(res.socket)
}

/** Writes an event stream's head, then its events as they come, to a Node response. */
function writeNodeStream(res: ServerResponse, answer: HttpAnswer, events: ServerEventStream): void {
  // The client may have gone before the first event: its `close` is past.
  if (res.destroyed || res.socket === null || res.socket.destroyed) return events.gone()
  res.writeHead(answer.status, answer.headers)
  res.flushHeaders() // the client's `open`, before the first event
  res.on('drain', () => events.drained())
  res.on('close', () => events.gone()) // after the end too: then a no-op
  events.attach({
    write: (text) => void res.write(text),
    buffered: () => res.writableLength + (res.socket?.writableLength ?? 0),
    end: () => res.end(),
    destroy: () => res.destroy(),
  })
}

/** Writes the answer to a failure outside any function, unless the response already started. */
export function writeNodeFailure(res: ServerResponse, answer: HttpAnswer): void {
  if (res.headersSent || res.destroyed) {
    res.destroy()
    return
  }
  writeNodeAnswer(res, answer)
}
