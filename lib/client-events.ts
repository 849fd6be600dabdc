// The generated client's side of server-sent events: a reader of the event-stream format
// over `fetch` (so that the client's headers, such as `Authorization`, go with it, which an
// `EventSource` cannot send). A stream that ends cleanly ended because its function returned:
// the subscription is done. A connection lost midway is resumed with `Last-Event-ID`.

/** One event as it arrived: its `data` parsed from JSON, its `id` and type. */
export interface ReceivedEvent<T> {
  data: T
  /** The event's id, or the last one before it (what is sent back on reconnecting). */
  id: string | undefined
  /** The event's type: `message` unless the server named it. */
  event: string
}

/** What a subscription does with what arrives. */
export interface EventHandlers<T> {
  /** Each event of the stream. */
  onEvent(event: ReceivedEvent<T>): void
  /**
   * A failure that ends the subscription: an answer with status ≥ 400 before the stream (a
   * `PikkuFetchError`), or the server's `error` event (its body as a `PikkuFetchError` of
   * status 200). Connections lost meanwhile are retried, not reported.
   */
  onError?(error: Error): void
}

/** A running subscription. */
export interface EventSubscription {
  /** Stops it: the connection is closed and nothing more is delivered. */
  close(): void
  /** Resolves when it ended: closed, ended by the server (its function returned, or a 204), or failed. */
  readonly done: Promise<void>
}

/** How a subscription connects; the client provides it. */
export interface EventStreamTarget {
  fetch: typeof fetch
  url: string
  headers: Record<string, string>
  /** Makes the error of an answer with status ≥ 400 (its body read as JSON). */
  failure(status: number, body: unknown, response: Response): Error
}

/** Waits this long before reconnecting until the server sets `retry`. */
const DEFAULT_RETRY_MS = 1000

/**
 * Subscribes to an event stream: connects, hands over each event, and reconnects with
 * `Last-Event-ID` when the connection is lost, until the stream ends (its function returned,
 * or a 204: nothing to stream), an error, or `close()`.
 */
export function subscribeEvents<T>(source: EventStreamTarget, handlers: EventHandlers<T>): EventSubscription {
  const stop = new AbortController()
  let lastEventId: string | undefined
  let retryMs = DEFAULT_RETRY_MS
  const failed = (error: Error) => {
    stop.abort()
    handlers.onError?.(error)
  }
  const run = async () => {
    while (!stop.signal.aborted) {
      const headers: Record<string, string> = { ...source.headers, accept: 'text/event-stream' }
      if (lastEventId !== undefined) headers['last-event-id'] = lastEventId
      try {
        const response = await source.fetch(source.url, { headers, signal: stop.signal })
        if (response.status === 204) return
        if (response.status >= 400 || !response.body) {
          const text = await response.text()
          return failed(source.failure(response.status, text ? safeJson(text) : undefined, response))
        }
        await readEvents(response.body, stop.signal, (field) => {
          if (field.retry !== undefined) retryMs = field.retry
          if (field.id !== undefined) lastEventId = field.id
          if (field.data === undefined) return
          const data = safeJson(field.data)
          if (field.event === 'error') return failed(source.failure(200, data, response))
          try {
            handlers.onEvent({ data: data as T, id: lastEventId, event: field.event ?? 'message' })
          } catch (error) {
            failed(error as Error) // the handler's own failure ends the subscription
          }
        })
        return // the whole stream: its function returned (or the subscription stopped)
      } catch {
        // The connection was lost (or closed by `close()`): retried below unless stopped.
      }
      if (!stop.signal.aborted) await pause(retryMs, stop.signal)
    }
  }
  const done = run().finally(() => stop.abort())
  return { close: () => stop.abort(), done }
}

/** Waits `ms`, or less when `signal` aborts. */
function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true })
  })
}

/** The fields of one event block. */
interface EventFields {
  data?: string
  id?: string
  event?: string
  retry?: number
}

/**
 * Reads an event stream to its end, handing over each block of fields (an event, or a lone
 * `id` / `retry`). The format's rules: lines end in LF, CR or CRLF; `:` starts a comment; a
 * blank line ends a block; several `data` lines join with LF.
 */
export async function readEvents(body: ReadableStream<Uint8Array>, signal: AbortSignal, take: (fields: EventFields) => void): Promise<void> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  const cancel = () => void reader.cancel().catch(() => {})
  signal.addEventListener('abort', cancel, { once: true })
  let buffer = ''
  let fields: EventFields = {}
  const line = (text: string) => {
    if (text === '') {
      if (Object.keys(fields).length > 0) take(fields)
      fields = {}
      return
    }
    const colon = text.indexOf(':')
    if (colon === 0) return // a comment (keep-alive)
    const name = colon === -1 ? text : text.slice(0, colon)
    let value = colon === -1 ? '' : text.slice(colon + 1)
    if (value.startsWith(' ')) value = value.slice(1)
    if (name === 'data') fields.data = fields.data === undefined ? value : `${fields.data}\n${value}`
    else if (name === 'event') fields.event = value
    else if (name === 'id' && !value.includes('\0')) fields.id = value
    else if (name === 'retry' && /^\d+$/.test(value)) fields.retry = Number(value)
  }
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      buffer += decoder.decode(value, { stream: true })
      let end: RegExpExecArray | null
      while ((end = /\r\n|\r|\n/.exec(buffer)) !== null) {
        // A CR at the very end may be the first half of a CRLF still to come.
        if (end[0] === '\r' && end.index === buffer.length - 1) break
        line(buffer.slice(0, end.index))
        buffer = buffer.slice(end.index + end[0].length)
      }
    }
  } finally {
    signal.removeEventListener('abort', cancel)
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}
