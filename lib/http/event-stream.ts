// The server-sent events of one request to an `sse: true` route: the function's `channel`
// service on one side, the adapter's transport (a `StreamSink`) on the other. The head goes
// out with the first event (or keep-alive), so that a function that fails before sending
// anything is answered with its error's status, as on any route.

import type { HttpAnswer } from './answer.js'

/** Event-stream settings of an app (`createApp({ sse })`). */
export interface EventStreamOptions {
  /** How often a comment keeps an idle stream open through proxies, in ms (default 15 000). */
  keepAliveMs?: number
  /**
   * Bytes sent and not yet taken by one client before it counts as too slow: its connection is
   * dropped and the function told (default 1 MiB). `send` waits long before that, from 64 KiB.
   */
  maxBufferedBytes?: number
}

export const DEFAULT_KEEP_ALIVE_MS = 15_000
export const DEFAULT_MAX_BUFFERED_BYTES = 1024 * 1024
/** Above this many bytes waiting for the client, `send` waits for them to drain. */
const HIGH_WATER_BYTES = 64 * 1024

/** Fields of one event besides its data. */
export interface EventOptions {
  /** The event's id: the client sends the last one back as `Last-Event-ID` when it reconnects. */
  id?: string
  /** The event's type (`addEventListener(type, …)` on an `EventSource`; default `message`). */
  event?: string
  /** How long the client waits before reconnecting, in ms, from now on (`retry`). */
  retry?: number
}

/**
 * The stream of an `sse: true` route, in its function's services as `channel` (the name
 * current Pikku uses; `eventStream(services)` gives it typed). Events are sent as JSON; the
 * stream ends when the function returns, its result (if any) the last event.
 *
 * ```ts
 * const ticks = pikkuSessionlessFunc<{ count: number }, { n: number }>(async (services, { count }) => {
 *   const events = eventStream<{ n: number }>(services)
 *   for (let n = 1; n < count && events.open; n++) await events.send({ n }, { id: String(n) })
 *   return { n: count }
 * })
 * addRoute({ method: 'get', route: '/ticks', func: ticks, auth: false, sse: true })
 * ```
 */
export interface EventStream<Event = unknown> {
  /** The `Last-Event-ID` the client sent back on reconnecting: the id of the last event it got. */
  readonly lastEventId: string | undefined
  /** False once the client went away, was too slow, or `close` was called. */
  readonly open: boolean
  /** Aborted when the stream closes before the function returns (its reason says why). */
  readonly signal: AbortSignal
  /**
   * Sends one event, `data` as JSON. Resolves `true` once the client can take more (at once
   * unless much is waiting for it), `false` when the stream is closed (nothing is sent).
   */
  send(data: Event, options?: EventOptions): Promise<boolean>
  /** Ends the stream now; the function goes on until it returns. */
  close(): void
}

/**
 * The event stream of an `sse: true` route's invocation, typed by its events (the function's
 * output): its `channel` service. Throws when the invocation is not one of an `sse` route.
 */
export function eventStream<Event>(services: object): EventStream<Event> {
  const channel = (services as { channel?: unknown }).channel
  if (channel instanceof ServerEventStream) return channel as EventStream<Event>
  throw new TypeError('eventStream(services): this invocation has no event stream; wire the function to a GET route with `sse: true`')
}

/** Where an event stream's text goes: the adapter's transport, once the head went out. */
export interface StreamSink {
  /** Writes text to the client. */
  write(text: string): void
  /** Bytes written and not yet taken by the client (0 when the transport bounds it itself). */
  buffered(): number
  /** Ends the response. */
  end(): void
  /** Drops the connection: the client is too slow. */
  destroy(): void
}

/** The headers of an event stream's head. */
export const EVENT_STREAM_HEADERS: Readonly<Record<string, string>> = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  // nginx buffers proxied answers unless told not to.
  'x-accel-buffering': 'no',
}

/** An event stream as the pipeline runs it; `HttpAnswer.stream` for the adapter. */
export class ServerEventStream implements EventStream {
  private sink: StreamSink | undefined
  /** Text sent before the adapter attached its sink. */
  private pending = ''
  private closed = false
  private started = false
  private readonly controller = new AbortController()
  private readonly keepAlive: ReturnType<typeof setInterval>
  private waiting: (() => void)[] = []

  private headOf: () => HttpAnswer = () => ({ status: 200, headers: { ...EVENT_STREAM_HEADERS }, body: undefined })

  /** @param head takes the answer whose head starts the stream, once, at the first event or keep-alive. */
  constructor(
    readonly lastEventId: string | undefined,
    private readonly options: Required<EventStreamOptions>,
    private readonly head: (answer: HttpAnswer) => void,
  ) {
    this.keepAlive = setInterval(() => {
      try {
        this.write(': keep-alive\n\n')
      } catch {
        this.stop('the stream could not be written') // a head the transport refused, say
      }
    }, options.keepAliveMs)
  }

  /** How the head is made (status, headers, cookie) when the stream starts. */
  headFrom(make: () => HttpAnswer): void {
    this.headOf = make
  }

  get open(): boolean {
    return !this.closed
  }

  get signal(): AbortSignal {
    return this.controller.signal
  }

  /** Whether the head went out: the answer is the stream's from then on. */
  get hasStarted(): boolean {
    return this.started
  }

  send(data: unknown, options?: EventOptions): Promise<boolean> {
    if (this.closed) return Promise.resolve(false)
    let text = ''
    if (options?.event !== undefined) text += `event: ${field('event', options.event)}\n`
    if (options?.id !== undefined) text += `id: ${field('id', options.id)}\n`
    if (options?.retry !== undefined) text += `retry: ${retryField(options.retry)}\n`
    // JSON has no line breaks of its own: one `data` line.
    text += `data: ${JSON.stringify(data) ?? 'null'}\n\n`
    this.write(text)
    if (this.closed) return Promise.resolve(false)
    if (this.sink === undefined || this.sink.buffered() <= HIGH_WATER_BYTES) return Promise.resolve(true)
    return new Promise((resolve) => this.waiting.push(() => resolve(!this.closed)))
  }

  close(): void {
    this.end(undefined)
  }

  /** The adapter's transport, once the head went out; what was sent meanwhile goes first. */
  attach(sink: StreamSink): void {
    if (this.sink !== undefined) return
    this.sink = sink
    const text = this.pending
    this.pending = ''
    if (this.closed) {
      // The function ended the stream before the adapter attached: what it sent still goes.
      if (text !== '') sink.write(text)
      return sink.end()
    }
    if (text !== '') this.write(text)
  }

  /** The client took what was waiting: `send`s waiting resolve. */
  drained(): void {
    const waiting = this.waiting
    this.waiting = []
    for (const resume of waiting) resume()
  }

  /** The client went away. */
  gone(): void {
    this.stop('the client went away')
  }

  /**
   * The function settled with `answer`: a stream that started ends with its result (an event,
   * or an `error` event for a failure); one that did not gets `answer` as its whole answer
   * (204 for nothing, an error's status), unless it carries a result to stream.
   */
  finish(answer: HttpAnswer): boolean {
    if (!this.started && (answer.status >= 300 || answer.body === undefined)) {
      this.stop('the function returned')
      return false
    }
    if (!this.closed && answer.body !== undefined) this.write(answer.status >= 400 ? `event: error\ndata: ${answer.body}\n\n` : `data: ${answer.body}\n\n`)
    this.end('the function returned')
    return true
  }

  private write(text: string): void {
    if (this.closed) return
    if (!this.started) {
      this.started = true
      const answer = this.headOf()
      answer.stream = this
      this.head(answer)
    }
    if (this.sink === undefined) {
      this.pending += text
      return
    }
    this.sink.write(text)
    if (this.sink.buffered() > this.options.maxBufferedBytes) {
      // A client that does not read must not hold the server's memory.
      this.sink.destroy()
      this.stop('the client did not read its events in time')
    }
  }

  /** Ends the response (when it started) and closes the stream. */
  private end(reason: string | undefined): void {
    if (this.closed) return
    this.stop(reason ?? 'the stream was closed')
    if (this.started) this.sink?.end()
  }

  private stop(reason: string): void {
    if (this.closed) return
    this.closed = true
    clearInterval(this.keepAlive)
    this.controller.abort(new StreamClosedError(reason))
    this.drained()
  }
}

/** The reason of an event stream's `signal`: why it closed. */
export class StreamClosedError extends Error {
  override readonly name = 'StreamClosedError'
}

/** The `retry` field: a whole number of ms. */
function retryField(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(`an event's \`retry\` must be a whole number of ms, not ${String(value)}`)
  return value
}

/** An event's `id` or `event` field: a line break in it would start a field of its own. */
function field(name: string, value: string): string {
  if (/[\r\n\0]/.test(value)) throw new TypeError(`an event's \`${name}\` may not contain line breaks or NUL: ${JSON.stringify(value)}`)
  return value
}
