import type { PikkuApp } from '../app.js'
import { portOf } from '../app/port.js'
import { pathAndQuery, respondWeb } from '../http/web.js'

/** Options of the Fetch API handler. */
export interface FetchHandlerOptions {
  /** A prefix removed from paths before routing (`/api`). */
  basePath?: string
}

/**
 * A Fetch API handler `(Request) => Promise<Response>` serving the app's routes, for any
 * runtime that speaks Request/Response.
 *
 * ```ts
 * const handle = createFetchHandler(app)
 * const response = await handle(new Request('http://localhost/todos/1'))
 * ```
 */
export function createFetchHandler(app: PikkuApp, options: FetchHandlerOptions = {}): (request: Request) => Promise<Response> {
  const { http } = portOf(app)
  return (request) => respondWeb(http, request, pathAndQuery(request, options.basePath))
}

/**
 * A `fetch` that answers from the app in-process (no socket): for server-side callers such
 * as Next.js server components, with the same routing, validation and errors as over HTTP.
 *
 * ```ts
 * const client = new PikkuFetch<Routes>(localFetch(app))
 * ```
 */
export function localFetch(app: PikkuApp): typeof fetch {
  const handle = createFetchHandler(app)
  return (input, init) => handle(new Request(typeof input === 'string' && input.startsWith('/') ? `http://pikku.local${input}` : input, init))
}
