import { Readable } from 'node:stream'

import { NO_BODY, readsBody } from './node.js'
import type { HttpAnswer, HttpRequestLike } from './answer.js'
import type { ServerEventStream } from './event-stream.js'
import { BodyBuffer } from './body-buffer.js'
import type { HttpPipeline, RespondOptions } from './pipeline.js'

/**
 * The Response to a Fetch API request whose path and query (to route) are `url`: its body read
 * up to the limit, the pipeline run, its answer made a Response. A failure outside any function
 * answers 500 rather than rejecting. A request without a body waits for nothing but the answer.
 */
export function respondWeb(http: HttpPipeline, request: Request, url: string, options?: RespondOptions): Promise<Response> {
  const described = webRequest(request, url)
  const run = (body: Uint8Array | null) =>
    new Promise<Response>((resolve) => {
      const deliver = (answer: HttpAnswer) => resolve(answer.stream ? webStream(request, answer, answer.stream) : webResponse(request.method, answer))
      http.respond(described, body, deliver, (error) => deliver(http.failure(error, described)), options)
    })
  if (request.body !== null && !options?.host && readsBody(request.method) && http.mayUpload(described)) {
    // A form or a file: streamed as it arrives (an upload route), never read whole first.
    const source = Readable.fromWeb(request.body as import('node:stream/web').ReadableStream<Uint8Array>)
    return new Promise((resolve) => {
      const deliver = (answer: HttpAnswer) => {
        // Answered before the whole body was read (a limit): the rest is not read.
        if (answer.headers?.connection === 'close') source.destroy()
        resolve(webResponse(request.method, answer))
      }
      http.respondUpload(described, source, deliver, (error) => deliver(http.failure(error, described)), options)
    })
  }
  return readsBody(request.method) ? readWebBody(request, http.maxBodyBytes).then(run) : run(NO_BODY)
}

/** Reads a Fetch API request body up to `limit` bytes; `null` when it is larger. */
export async function readWebBody(request: Request, limit: number): Promise<Uint8Array | null> {
  // `request.body` is left untouched until it must be streamed: on Bun, reading it makes a
  // stream, which then slows the whole read down several times.
  if (!readsBody(request.method)) return NO_BODY
  const declared = request.headers.get('content-length')
  const length = declared === null ? NaN : Number(declared)
  if (length > limit) return null
  if (Number.isSafeInteger(length)) {
    // Framed by its Content-Length, which the server holds it to: read at once, natively
    // (several times faster on Bun and Deno than a stream read), and checked all the same.
    const bytes = new Uint8Array(await request.arrayBuffer())
    return bytes.byteLength > limit ? null : bytes
  }
  if (request.body === null) return NO_BODY
  const reader = request.body.getReader()
  const body = new BodyBuffer(limit, NaN)
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return body.bytes()
    if (!body.add(value)) {
      await reader.cancel()
      return null
    }
  }
}

/** The request descriptor of a Fetch API request; `url` is the path and query to route. */
export function webRequest(request: Request, url: string): HttpRequestLike {
  const headers = request.headers
  return { method: request.method, url, headers: { get: (name: string) => headers.get(name) ?? undefined } }
}

/** The Fetch API response for an answer. */
export function webResponse(method: string, answer: HttpAnswer): Response {
  const body = method === 'HEAD' || answer.status === 204 ? null : (answer.body ?? null)
  return new Response(body, { status: answer.status, headers: headerPairs(answer.headers) })
}

/**
 * The Fetch API response of an event stream: a byte stream fed as events are sent. It queues
 * nothing of its own (a high-water mark of 0), so what waits for the client is what it holds.
 */
function webStream(request: Request, answer: HttpAnswer, events: ServerEventStream): Response {
  const encoder = new TextEncoder()
  let controller!: ReadableStreamDefaultController<Uint8Array>
  const body = new ReadableStream<Uint8Array>(
    {
      start: (c) => void (controller = c),
      pull: () => events.drained(), // the client reads: nothing is queued
      cancel: () => events.gone(),
    },
    new ByteLengthQueuingStrategy({ highWaterMark: 0 }),
  )
  // A closed or cancelled stream throws on use: the client is gone then, which `cancel` told.
  const quietly = (use: () => void) => {
    try {
      use()
    } catch {
      events.gone()
    }
  }
  events.attach({
    write: (text) => quietly(() => controller.enqueue(encoder.encode(text))),
    buffered: () => -(controller.desiredSize ?? 0),
    end: () => quietly(() => controller.close()),
    destroy: () => quietly(() => controller.error(new Error('the client did not read its events in time'))),
  })
  if (request.signal?.aborted) events.gone() // gone before the first event
  else request.signal?.addEventListener('abort', () => events.gone(), { once: true })
  return new Response(body, { status: answer.status, headers: headerPairs(answer.headers) })
}

/** Headers as `[name, value]` pairs (the init a Response copies fastest): one pair per value. */
function headerPairs(headers: HttpAnswer['headers']): [string, string][] {
  const pairs: [string, string][] = []
  for (const name in headers) {
    const value = headers[name]!
    if (typeof value === 'string') pairs.push([name, value])
    else for (const one of value) pairs.push([name, one])
  }
  return pairs
}

/** The path and query of `request`, without `basePath`. */
export function pathAndQuery(request: Request, basePath = ''): string {
  // A Request's url is already parsed and serialized (absolute): the path starts at the first
  // `/` after the scheme's `//`, and the fragment (which some runtimes keep) is left out.
  const url = request.url
  const start = url.indexOf('/', url.indexOf('//') + 2)
  if (start === -1) return '/'
  const hash = url.indexOf('#', start)
  const end = hash === -1 ? url.length : hash
  const query = url.indexOf('?', start)
  const path = url.slice(start, query === -1 || query > end ? end : query)
  const search = query === -1 || query > end ? '' : url.slice(query, end)
  if (basePath && (path === basePath || path.startsWith(basePath + '/'))) return (path.slice(basePath.length) || '/') + search
  return path + search
}
