import type { EntryOptions, PikkuApp, RouteHandlerOptions } from '../app.js'
import { portOf } from '../app/port.js'
import { PikkuFetch, type RouteTable } from '../client.js'
import { pathAndQuery, respondWeb } from '../http/web.js'
import { functionName } from '../functions.js'
import type { AnyAPIFunction, InputOf, OutputOf, Session } from '../types.js'
import { createFetchHandler, localFetch } from './fetch.js'

/** A Next.js App Router route handler. */
export type NextRouteHandler = (
  request: Request,
  context: { params: Promise<Record<string, string | string[] | undefined>> },
) => Promise<Response>

/** Options of the Next.js adapter. */
export interface NextOptions {
  /** The prefix of the catch-all folder, removed before routing (default `/api`). */
  basePath?: string
}

/**
 * Next.js App Router helpers for one app:
 *
 * ```ts
 * // app/api/[...route]/route.ts — a catch-all served by the app's routes
 * export const { GET, POST, PUT, PATCH, DELETE } = pikku.routes
 * // app/api/todos/[id]/route.ts — Next routes, `[id]` becomes the function's `id`
 * export const GET = pikku.route(getTodo)
 * // a server component or action: by function, or by route with the generated route map
 * const todos = await pikku.call(listTodos, {}, { auth: false })
 * const todo = await pikku.client.get('/todos/:id', { id: 1 })   // pikkuNext<Routes>(app)
 * ```
 */
export function pikkuNext<R extends RouteTable = RouteTable>(app: PikkuApp, options: NextOptions = {}) {
  const basePath = options.basePath ?? '/api'
  const fetchHandler = createFetchHandler(app, { basePath })
  const catchAll: NextRouteHandler = (request) => fetchHandler(request)
  return {
    /** Method handlers for a catch-all `route.ts`. */
    routes: {
      GET: catchAll,
      HEAD: catchAll,
      POST: catchAll,
      PUT: catchAll,
      PATCH: catchAll,
      DELETE: catchAll,
      OPTIONS: catchAll,
    },
    /** A handler for one file route; Next's dynamic segments become the function's params. */
    route(func: AnyAPIFunction, entryOptions?: RouteHandlerOptions): NextRouteHandler {
      app.prepare(func, { ...entryOptions, usedBy: `Next.js file route (function \`${functionName(func) ?? 'anonymous'}\`)` })
      const { http } = portOf(app)
      return async (request, context) => {
        const params = (await context?.params) ?? {}
        const host = http.hostRouted(func, params, entryOptions)
        // The path without `basePath`, as the catch-all routes it (for route-pattern middleware).
        return respondWeb(http, request, pathAndQuery(request, basePath), { host })
      }
    },
    /**
     * The typed fetch client of the generated route map (`pikkuNext<Routes>(app)`), answered
     * in-process: no socket, same validation and errors; failures throw `PikkuFetchError`.
     */
    client: new PikkuFetch<R>(localFetch(app)),
    /** Calls a function in-process from a server component or action; errors are thrown. */
    call<F extends AnyAPIFunction>(func: F, data: InputOf<F>, callOptions?: { session?: Session } & EntryOptions): Promise<OutputOf<F>> {
      return app.call(func, data, callOptions)
    },
  }
}
