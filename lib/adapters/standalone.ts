import type { PikkuApp } from '../app.js'
import { ChannelHost, type ChannelPolicy, type ChannelSocket, type OpenChannels, type SocketEvents } from '../channel/host.js'
import { JSON_TYPE, internalErrorAnswer, type HttpAnswer, type HttpRequestLike, type WireAnswer } from '../http/answer.js'
import { serverClose, serverListen, serverPort, serverRespond, serverSend, serverTake } from '../native.js'

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
  /** Stops accepting connections, lets requests in flight finish, closes open sockets (1001), then resolves. */
  close(): Promise<void>
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
  const requestedPort = wholeOption(options, 'port', 0, 65535) ?? 0 // 0: one the system picks
  const setup = app.standaloneSetup()
  const channelOptions = options.channels ?? {}
  const settings = {
    threads: wholeOption(options, 'threads', 1, 1024) ?? 0, // 0: one per CPU
    maxHeaders: wholeOption(options, 'maxHeaders', 1, 1024) ?? 0, // 0: hyper's 100
    errorsToJs: setup.errorsToJs,
    sessionHook: setup.sessionHook,
    sockets: app.hasChannels
      ? {
          maxMessageBytes: channelLimit(channelOptions, 'maxMessageBytes', app.maxBodyBytes),
          maxBufferedBytes: channelLimit(channelOptions, 'maxBufferedBytes', 4 * 1024 * 1024),
          pingIntervalMs: channelLimit(channelOptions, 'pingIntervalMs', 30_000),
        }
      : undefined,
  }
  const channels = new ChannelHost(app, channelOptions)
  const sockets = new Map<number, SocketEvents>()
  const handle = serverListen(setup.config, address, requestedPort, settings, () => {
    for (const entry of JSON.parse(serverTake(handle)) as Entry[]) {
      if (typeof entry[0] === 'number') answer(entry)
      else onSocket(entry)
    }
  })
  // What goes back leaves together once per turn of the event loop: one native call per
  // kind, and one wake of the server's threads, for all of it. Texts travel apart from the
  // JSON that describes them, joined as they are: no escaping on either side.
  let answers = ''
  let bodies = ''
  let frames = ''
  let texts = ''
  let flushQueued = false
  const flush = () => {
    flushQueued = false
    if (answers !== '') {
      const batch = `[${answers}]`
      const joined = bodies
      answers = ''
      bodies = ''
      try {
        serverRespond(handle, batch, joined)
      } catch (error) {
        app.logger.error('pikku: the standalone server refused a batch of answers', error)
      }
    }
    if (frames !== '') {
      const batch = `[${frames}]`
      const joined = texts
      frames = ''
      texts = ''
      try {
        serverSend(handle, batch, joined)
      } catch (error) {
        app.logger.error('pikku: the standalone server refused a batch of socket frames', error)
      }
    }
  }
  const queued = (units: number) => {
    if (!flushQueued) {
      flushQueued = true
      setImmediate(flush)
    }
    // Far below the longest string V8 can build: a turn that settles a great deal is sent in parts.
    if (units > SEND_AT_UNITS) flush()
  }
  const answer = ([id, method, url, headers, wire, body]: Call): void => {
    const request: HttpRequestLike = { method, url, headers: new HeaderBlock(headers) }
    app.answerRouted(
      request,
      wire,
      body,
      (result) => respond(id, result),
      (error) => respond(id, app.failure(error, request)),
    )
  }
  const respond = (id: number, result: HttpAnswer): void => {
    let entry: string
    let body: string | undefined
    try {
      const flat = result.headers ? flatHeaders(result.headers) : []
      const headers = flat.length === 0 ? '[]' : JSON.stringify(flat)
      body = result.body
      // A status or body of the wrong type goes as status 0: the server answers it 500.
      const status = Number.isInteger(result.status) && (body === undefined || typeof body === 'string') ? result.status : 0
      entry = `[${id},${status},${headers},${typeof body === 'string' ? body.length : 'null'}]`
    } catch {
      const last = internalErrorAnswer()
      body = last.body!
      entry = `[${id},${last.status},[],${body.length}]`
    }
    // Bodies are JSON from `JSON.stringify`, which escapes lone surrogates: joined, no two
    // bodies can pair into one character across their boundary, so the lengths cut them whole.
    if (typeof body === 'string') bodies += body
    answers = answers === '' ? entry : `${answers},${entry}`
    queued(bodies.length)
  }
  const onSocket = (entry: SocketEntry): void => {
    switch (entry[0]) {
      case 'u': {
        const [, id, socket, url, headers] = entry
        const request: HttpRequestLike = { method: 'GET', url, headers: new HeaderBlock(headers) }
        void channels.admit(request).then((decided) => {
          if ('refused' in decided) return respond(id, decided.refused)
          sockets.set(socket, channels.open(nativeSocket(socket), decided.admitted))
          respond(id, { status: 101, headers: undefined, body: undefined })
        })
        return
      }
      case 'm':
        return sockets.get(entry[1])?.message(entry[2])
      case 'b':
        return sockets.get(entry[1])?.binary()
      case 'c': {
        const events = sockets.get(entry[1])
        sockets.delete(entry[1])
        return events?.closed()
      }
    }
  }
  const nativeSocket = (socket: number): ChannelSocket => {
    let open = true
    const frame = (entry: string, text: string) => {
      // Texts are JSON from `JSON.stringify` or well-formed reasons: cut whole, as the bodies.
      texts += text
      frames = frames === '' ? entry : `${frames},${entry}`
      queued(texts.length)
    }
    return {
      get isOpen() {
        return open && sockets.has(socket)
      },
      send: (text) => frame(`[${socket},${text.length}]`, text),
      close: (code, reason = '') => {
        if (!closeCodeAllowed(code)) throw new RangeError(`PIKKU_ERR_CHANNEL: ${String(code)} is not a close code a server may send (1000-1003, 1007-1014, 3000-4999)`)
        if (!open) return
        open = false
        const whole = wellFormed(reason)
        frame(`[${socket},${whole.length},${code}]`, whole)
      },
    }
  }
  const port = serverPort(handle)
  return {
    port,
    url: `http://${address.includes(':') ? `[${address}]` : address}:${port}`,
    channels,
    close: () => serverClose(handle),
  }
}

/** A close code a server may send: 1000-1003, 1007-1014 (RFC 6455 and its registry), 3000-4999. */
function closeCodeAllowed(code: number): boolean {
  return Number.isInteger(code) && ((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999))
}

/** `text` with each lone surrogate replaced by U+FFFD (as UTF-8 would carry it). */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
}

/** `options[name]`: a whole number from 1 to 2^32 - 1 (a RangeError naming it otherwise), or `fallback`. */
function channelLimit(options: StandaloneChannelOptions, name: 'maxMessageBytes' | 'maxBufferedBytes' | 'pingIntervalMs', fallback: number): number {
  const value: unknown = options[name]
  if (value === undefined) return fallback
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 0xffff_ffff) return value
  throw new RangeError(`PIKKU_ERR_LISTEN: channels.${name} must be a whole number from 1 to 4294967295, not ${String(value)}`)
}

/** `options[name]`, checked to be a whole number from `min` to `max` (a RangeError naming it otherwise). */
function wholeOption(options: ListenOptions, name: 'port' | 'threads' | 'maxHeaders', min: number, max: number): number | undefined {
  const value: unknown = options[name]
  if (value === undefined) return undefined
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value
  const shown = typeof value === 'number' ? String(value) : `${typeof value === 'string' ? JSON.stringify(value) : String(value)} (a ${typeof value})`
  throw new RangeError(`PIKKU_ERR_LISTEN: ${name} must be a whole number from ${min} to ${max}, not ${shown}`)
}

/** Answers (or frames) go back at once when their texts reach this many UTF-16 units. */
const SEND_AT_UNITS = 16 * 1024 * 1024

/** A call as the server sends it: `[id, method, url, headers, wire, body?]`. */
type Call = [number, string, string, string, WireAnswer, (string | null)?]

/** A WebSocket's upgrade (`u`: call id, socket, url, headers), message, binary message or close. */
type SocketEntry = ['u', number, number, string, string] | ['m', number, string] | ['b', number] | ['c', number]

/** What a batch from the server holds. */
type Entry = Call | SocketEntry

/** Reads `name:value` lines (lower-case names), split only when a header is first read. */
class HeaderBlock {
  private byName: Map<string, string> | undefined

  constructor(private readonly block: string) {}

  get(name: string): string | undefined {
    if (this.byName === undefined) {
      this.byName = new Map()
      for (const line of this.block.split('\n')) {
        const colon = line.indexOf(':')
        if (colon > 0) this.byName.set(line.slice(0, colon), line.slice(colon + 1))
      }
    }
    return this.byName.get(name)
  }
}

/**
 * `[name, value, name, value, …]`, a repeated header once per value; the JSON content type is
 * left out (the server sends a body without one as JSON).
 */
function flatHeaders(headers: Record<string, string | string[]>): string[] {
  const flat: string[] = []
  for (const name in headers) {
    const value = headers[name]!
    if (name === 'content-type' && value === JSON_TYPE) continue
    if (Array.isArray(value)) for (const one of value) flat.push(name, one)
    else flat.push(name, value)
  }
  return flat
}
