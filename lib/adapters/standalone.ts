import type { PikkuApp } from '../app.js'
import { JSON_TYPE, internalErrorAnswer, type HttpAnswer, type HttpRequestLike, type WireAnswer } from '../http/answer.js'
import { serverClose, serverListen, serverPort, serverRespond, serverTake } from '../native.js'

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
}

/** A running standalone server. */
export interface StandaloneServer {
  /** The port it listens on. */
  readonly port: number
  /** `http://host:port`. */
  readonly url: string
  /** Stops accepting connections, lets requests in flight finish, then resolves. */
  close(): Promise<void>
}

/**
 * Serves the app's routes from Rust: hyper on tokio owns the socket, parses HTTP, routes,
 * validates and decodes sessions on its own threads, and answers the engine's errors itself;
 * only requests that reach a function come to JavaScript, many at once, in batches. HTTP/1.1
 * with keep-alive; WebSocket channels need `attachChannels` on a node:http server instead.
 *
 * ```ts
 * const server = listen(app, { port: 3000 })
 * // later
 * await server.close()
 * ```
 */
export function listen(app: PikkuApp, options: ListenOptions = {}): StandaloneServer {
  const host = options.host ?? '127.0.0.1'
  const requestedPort = wholeOption(options, 'port', 0, 65535) ?? 0 // 0: one the system picks
  const setup = app.standaloneSetup()
  const settings = {
    threads: wholeOption(options, 'threads', 1, 1024) ?? 0, // 0: one per CPU
    maxHeaders: wholeOption(options, 'maxHeaders', 1, 1024) ?? 0, // 0: hyper's 100
    errorsToJs: setup.errorsToJs,
    sessionHook: setup.sessionHook,
  }
  const handle = serverListen(setup.config, host, requestedPort, settings, () => {
    for (const call of JSON.parse(serverTake(handle)) as Call[]) answer(call)
  })
  // Answers go back together once per turn of the event loop: one native call, and one wake
  // of the server's threads, for all of them. Bodies travel apart from the JSON of statuses
  // and headers, joined as they are: no escaping on either side.
  let answers = ''
  let bodies = ''
  const sendAnswers = () => {
    if (answers === '') return // sent early (below)
    const batch = `[${answers}]`
    const texts = bodies
    answers = ''
    bodies = ''
    try {
      serverRespond(handle, batch, texts)
    } catch (error) {
      app.logger.error('pikku: the standalone server refused a batch of answers', error)
    }
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
    if (answers === '') {
      answers = entry
      setImmediate(sendAnswers)
    } else answers += `,${entry}`
    // Far below the longest string V8 can build: a turn that settles a great deal is sent in parts.
    if (bodies.length > SEND_AT_UNITS) sendAnswers()
  }
  const port = serverPort(handle)
  return {
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () => serverClose(handle),
  }
}

/** `options[name]`, checked to be a whole number from `min` to `max` (a RangeError naming it otherwise). */
function wholeOption(options: ListenOptions, name: 'port' | 'threads' | 'maxHeaders', min: number, max: number): number | undefined {
  const value: unknown = options[name]
  if (value === undefined) return undefined
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return value
  const shown = typeof value === 'number' ? String(value) : `${typeof value === 'string' ? JSON.stringify(value) : String(value)} (a ${typeof value})`
  throw new RangeError(`PIKKU_ERR_LISTEN: ${name} must be a whole number from ${min} to ${max}, not ${shown}`)
}

/** Answers go back at once when their bodies reach this many UTF-16 units. */
const SEND_AT_UNITS = 16 * 1024 * 1024

/** A call as the server sends it: `[id, method, url, headers, wire, body?]`. */
type Call = [number, string, string, string, WireAnswer, (string | null)?]

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
