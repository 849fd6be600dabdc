// The runtime of the generated fetch client. It never loads the native addon, so it runs in
// browsers and edge runtimes as well as in Node.

import { subscribeEvents, type EventHandlers, type EventSubscription } from './client-events.js'

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete'

/** The shape of a generated route map: route → method → input and output. */
export type RouteTable = { [route: string]: { [M in Method]?: { input: unknown; output: unknown } } }

/** The shape of a generated RPC map: function name → input and output (`expose: true`). */
export type RPCTable = { [name: string]: { input: unknown; output: unknown } }

/** The routes of `R` that answer `M`. */
export type RoutesWith<R extends RouteTable, M extends Method> = {
  [P in keyof R & string]: R[P][M] extends { input: unknown } ? P : never
}[keyof R & string]

/** The GET routes of `R` whose output is a page (`{ rows, nextCursor?, total? }`). */
export type PagedRoutes<R extends RouteTable> = {
  [P in keyof R & string]: R[P]['get'] extends { output: { rows: unknown[] } } ? P : never
}[keyof R & string]

/** The routes of `R` that stream server-sent events (`sse: true`; GET). */
export type EventRoutes<R extends RouteTable> = {
  [P in keyof R & string]: R[P]['get'] extends { sse: true } ? P : never
}[keyof R & string]

type Entry<R extends RouteTable, P extends keyof R, M extends Method> = NonNullable<R[P][M]>
/** The data argument: optional when the input has no required property (or there is no input). */
type InputArgs<I> = {} extends I ? [data?: I] : [data: I]

/** An answer with status ≥ 400: the status and the error body (`{ name, message, errorId }`). */
export class PikkuFetchError extends Error {
  constructor(
    readonly status: number,
    readonly body: { name?: string; message?: string; payload?: unknown; errorId?: string } | undefined,
    readonly response: Response,
  ) {
    super(body?.message ?? `HTTP ${status}`)
    this.name = body?.name ?? 'PikkuFetchError'
  }
}

/**
 * A typed client of a generated route map:
 *
 * ```ts
 * import { pikkuFetch } from './.pikku/pikku-fetch.gen.js'
 * pikkuFetch.setServerUrl('http://127.0.0.1:3000')
 * const todo = await pikkuFetch.get('/todos/:id', { id: 1 })
 * ```
 *
 * `:params` are filled from the data (and removed from it); the rest goes in the query
 * string for GET and DELETE, and as the JSON body otherwise. The data may be left out when
 * the route's input has no required property (`pikkuFetch.get('/todos')`). In a query string
 * `null` and `undefined` values (and array items) are left out, as no value; a JSON body keeps
 * `null`, which is a value in JSON.
 */
export class PikkuFetch<R extends RouteTable, P extends RPCTable = {}> {
  private serverUrl = ''
  private readonly headers: Record<string, string> = {}

  constructor(private readonly fetchFn: typeof fetch = (...args) => fetch(...args)) {}

  /**
   * The app's exposed functions (`expose: true`), called by name at `POST /rpc/:name`:
   *
   * ```ts
   * const note = await pikkuFetch.rpc.invoke('getNote', { id: 1 })
   * ```
   */
  readonly rpc = {
    invoke: <N extends keyof P & string>(name: N, ...data: InputArgs<P[N]['input']>): Promise<P[N]['output']> =>
      this.request('POST', `/rpc/${encodeURIComponent(name)}`, '', JSON.stringify({ data: data[0] ?? {} })) as Promise<P[N]['output']>,
  }

  /** The server's base URL: `http://127.0.0.1:3000`. */
  setServerUrl(url: string): void {
    this.serverUrl = url.replace(/\/$/, '')
  }

  /** Sends `Authorization: Bearer <token>` (or removes it with `undefined`). */
  setAuthorizationJWT(token: string | undefined): void {
    this.setHeader('authorization', token === undefined ? undefined : `Bearer ${token}`)
  }

  /** Sends `x-api-key` (or removes it with `undefined`). */
  setAPIKey(key: string | undefined): void {
    this.setHeader('x-api-key', key)
  }

  /** Sends a header with every request (or removes it with `undefined`). */
  setHeader(name: string, value: string | undefined): void {
    if (value === undefined) delete this.headers[name.toLowerCase()]
    else this.headers[name.toLowerCase()] = value
  }

  get<P extends RoutesWith<R, 'get'>>(route: P, ...data: InputArgs<Entry<R, P, 'get'>['input']>): Promise<Entry<R, P, 'get'>['output']> {
    return this.send('GET', route, data[0]) as Promise<Entry<R, P, 'get'>['output']>
  }

  post<P extends RoutesWith<R, 'post'>>(route: P, ...data: InputArgs<Entry<R, P, 'post'>['input']>): Promise<Entry<R, P, 'post'>['output']> {
    return this.send('POST', route, data[0]) as Promise<Entry<R, P, 'post'>['output']>
  }

  put<P extends RoutesWith<R, 'put'>>(route: P, ...data: InputArgs<Entry<R, P, 'put'>['input']>): Promise<Entry<R, P, 'put'>['output']> {
    return this.send('PUT', route, data[0]) as Promise<Entry<R, P, 'put'>['output']>
  }

  patch<P extends RoutesWith<R, 'patch'>>(route: P, ...data: InputArgs<Entry<R, P, 'patch'>['input']>): Promise<Entry<R, P, 'patch'>['output']> {
    return this.send('PATCH', route, data[0]) as Promise<Entry<R, P, 'patch'>['output']>
  }

  delete<P extends RoutesWith<R, 'delete'>>(route: P, ...data: InputArgs<Entry<R, P, 'delete'>['input']>): Promise<Entry<R, P, 'delete'>['output']> {
    return this.send('DELETE', route, data[0]) as Promise<Entry<R, P, 'delete'>['output']>
  }

  /**
   * The pages of a list route (a GET route whose output is a page: `{ rows, nextCursor?, total? }`,
   * as `pikkuListFunc` returns), one request each, as they are iterated: it follows `nextCursor`
   * when pages carry one, else counts `offset` on until a page comes back short, empty, or at
   * `total`.
   *
   * ```ts
   * for await (const page of pikkuFetch.pages('/todos', { limit: 50 })) render(page.rows)
   * ```
   */
  async *pages<P extends PagedRoutes<R>>(route: P, ...data: InputArgs<Entry<R, P, 'get'>['input']>): AsyncGenerator<Entry<R, P, 'get'>['output'], void, undefined> {
    let input = { ...(data[0] as Record<string, unknown> | undefined) }
    for (;;) {
      const page = (await this.send('GET', route, input)) as { rows: unknown[]; nextCursor?: string; total?: number }
      yield page as Entry<R, P, 'get'>['output']
      const next = nextPage(input, page)
      if (next === undefined) return
      input = next
    }
  }

  /**
   * Subscribes to an event stream (a route wired with `sse: true`): each event's data arrives
   * typed as the route's output; a lost connection is resumed with `Last-Event-ID`, and the
   * subscription ends with the stream (its function returned, or a 204), an error, or `close()`.
   *
   * ```ts
   * const ticks = pikkuFetch.subscribe('/ticks', { count: 3 }, { onEvent: ({ data }) => console.log(data.n) })
   * await ticks.done
   * ```
   */
  subscribe<P extends EventRoutes<R>>(route: P, data: Entry<R, P, 'get'>['input'], handlers: EventHandlers<Entry<R, P, 'get'>['output']>): EventSubscription {
    const { path, rest } = fillPath('GET', route, data)
    const url = `${this.serverUrl}${path}${toQuery(rest)}`
    const failure = (status: number, body: unknown, response: Response) => new PikkuFetchError(status, body as PikkuFetchError['body'], response)
    return subscribeEvents({ fetch: this.fetchFn, url, headers: { ...this.headers }, failure }, handlers)
  }

  private async send(method: string, route: string, data: unknown): Promise<unknown> {
    const { path, rest } = fillPath(method, route, data)
    const inQuery = method === 'GET' || method === 'DELETE'
    return this.request(method, path, inQuery ? toQuery(rest) : '', inQuery ? undefined : JSON.stringify(rest))
  }

  /** One request with the client's headers (a JSON body when given); the answer parsed, or a `PikkuFetchError`. */
  private async request(method: string, path: string, query: string, body: string | undefined): Promise<unknown> {
    const headers: Record<string, string> = { ...this.headers }
    if (body !== undefined) headers['content-type'] = 'application/json'
    const response = await this.fetchFn(`${this.serverUrl}${path}${query}`, { method, headers, body })
    const text = await response.text()
    const parsed = text ? (JSON.parse(text) as unknown) : undefined
    if (response.status >= 400) throw new PikkuFetchError(response.status, parsed as PikkuFetchError['body'], response)
    return parsed
  }
}

/** The input of the page after `page`, or `undefined` when it was the last. */
function nextPage(input: Record<string, unknown>, page: { rows: unknown[]; nextCursor?: string; total?: number }): Record<string, unknown> | undefined {
  if (typeof page.nextCursor === 'string' && page.nextCursor !== '') return { ...input, cursor: page.nextCursor }
  if (page.nextCursor !== undefined || !Array.isArray(page.rows) || page.rows.length === 0) return undefined
  const offset = (typeof input.offset === 'number' ? input.offset : 0) + page.rows.length
  const short = typeof input.limit === 'number' && page.rows.length < input.limit
  const atEnd = typeof page.total === 'number' && offset >= page.total
  // Without a cursor, a total or a limit, nothing says there is more.
  if (short || atEnd || (page.total === undefined && typeof input.limit !== 'number')) return undefined
  return { ...input, offset }
}

/** The route with its `:params` filled from `data`, and the rest of the data. */
function fillPath(method: string, route: string, data: unknown): { path: string; rest: Record<string, unknown> } {
  const rest: Record<string, unknown> = { ...(data as Record<string, unknown> | undefined) }
  const path = route.replace(/[:*](\w+)/g, (_match, name: string) => {
    const value = rest[name]
    delete rest[name]
    if (value === undefined || value === null) throw new TypeError(`pikkuFetch: ${method} ${route} needs \`${name}\``)
    return String(value).split('/').map(encodeURIComponent).join('/')
  })
  return { path, rest }
}

function toQuery(data: Record<string, unknown>): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(data)) {
    // `null` has no query-string form ("null" would be a string): no value, like `undefined`.
    if (value === undefined || value === null) continue
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null) params.append(key, String(item))
    }
  }
  const text = params.toString()
  return text ? `?${text}` : ''
}

export type { EventHandlers, EventSubscription, ReceivedEvent } from './client-events.js'
export { PikkuChannelClient, PikkuChannelError, type ChannelErrorBody, type ChannelShape, type WebSocketLike } from './channel/client.js'
