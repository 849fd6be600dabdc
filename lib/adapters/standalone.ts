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
  const setup = app.standaloneSetup()
  const handle = serverListen(setup.config, host, options.port ?? 0, options.threads ?? 0, setup.errorsToJs, setup.sessionHook, () => {
    for (const call of JSON.parse(serverTake(handle)) as Call[]) answer(call)
  })
  // Answers go back together once per turn of the event loop: one native call, and one wake
  // of the server's threads, for all of them.
  let answers: string[] = []
  const sendAnswers = () => {
    const batch = `[${answers.join(',')}]`
    answers = []
    try {
      serverRespond(handle, batch)
    } catch (error) {
      app.logger.error('pikku: the standalone server refused a batch of answers', error)
    }
  }
  const answer = ([id, method, url, headers, wire, body]: Call): void => {
    const request: HttpRequestLike = { method, url, headers: headerReader(headers) }
    app.answerRouted(
      request,
      wire,
      body,
      (result) => respond(id, result),
      (error) => respond(id, app.failure(error, request)),
    )
  }
  const respond = (id: number, result: HttpAnswer): void => {
    let text: string
    try {
      text = JSON.stringify([id, result.status, result.headers ? flatHeaders(result.headers) : [], result.body ?? null])
    } catch {
      const last = internalErrorAnswer()
      text = JSON.stringify([id, last.status, [], last.body])
    }
    answers.push(text)
    if (answers.length === 1) setImmediate(sendAnswers)
  }
  const port = serverPort(handle)
  return {
    port,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close: () => serverClose(handle),
  }
}

/** A call as the server sends it: `[id, method, url, headers, wire, body?]`. */
type Call = [number, string, string, string, WireAnswer, (string | null)?]

/** Reads `name:value` lines (lower-case names), split only when a header is first read. */
function headerReader(block: string): HttpRequestLike['headers'] {
  let byName: Map<string, string> | undefined
  return {
    get(name) {
      if (byName === undefined) {
        byName = new Map()
        for (const line of block.split('\n')) {
          const colon = line.indexOf(':')
          if (colon > 0) byName.set(line.slice(0, colon), line.slice(colon + 1))
        }
      }
      return byName.get(name)
    },
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
