import type { FastifyPluginCallback, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify'

import type { PikkuApp, RouteHandlerOptions } from '../app.js'
import { portOf } from '../app/port.js'
import { functionName } from '../functions.js'
import { NO_BODY, nodeRequest, readsBody, writeNodeAnswer, writeNodeFailure } from '../http/node.js'
import { bytesOfParsed, withContentType } from '../http/parsed-body.js'
import type { AnyAPIFunction } from '../types.js'
import { nothingOfFastifyRuns, takeAhead } from './fastify-ahead.js'
import { createRequestListener } from './node-http.js'

/** Every method a route of the app may be asked with: the engine answers 405 and OPTIONS itself. */
const ALL_METHODS = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT', 'OPTIONS']

/**
 * A Fastify plugin serving the app's routes; other paths go on to Fastify's own routes and
 * its 404. The app's paths join Fastify's router (every method: the engine answers 405 and
 * OPTIONS) and are taken in their `onRequest` stage, before Fastify parses bodies, so that
 * Fastify's content-type parsers do not change what the engine reads; a path Fastify's router
 * does not match as written (dot segments, say) but the engine does is taken in the same stage.
 * Hooks registered before the plugin run first, as for Fastify's own routes.
 *
 * When, once Fastify is ready, no hook applies to the app's routes and request logging is
 * off, nothing of Fastify's would run for them: their requests are then answered as the
 * server receives them, ahead of Fastify's router and its per-request objects (the same
 * answers, less work; `fastify.inject` still goes through the lifecycle).
 *
 * ```ts
 * import Fastify from 'fastify'
 * const server = Fastify()
 * server.register(pikkuFastify(app))
 * ```
 */
export function pikkuFastify(app: PikkuApp): FastifyPluginCallback {
  const { http, built } = portOf(app)
  const listener = createRequestListener(app)
  const serve = (request: FastifyRequest, reply: FastifyReply) => {
    reply.hijack() // the answer is written on the raw response, as node:http's is
    listener(request.raw, reply.raw)
  }
  const plugin: FastifyPluginCallback = (fastify, _options, done) => {
    // Fastify names a wildcard `*`; its value reaches the engine in the URL, not by name.
    const paths = new Set(built.routes.map(({ target }) => target.route!.replace(/\*\w*$/, '*')))
    // The hook takes `done` and never calls it: Fastify's lifecycle ends here (no body parsing).
    // Named: the fast path tells the plugin's hooks from others by name (fastify-ahead.ts).
    const pikkuServeRoute = (request: FastifyRequest, reply: FastifyReply, _done: () => void) => serve(request, reply)
    for (const url of paths) fastify.route({ method: ALL_METHODS, url, exposeHeadRoute: false, onRequest: pikkuServeRoute, handler: () => {} })
    fastify.addHook('onRequest', function pikkuTakeUnrouted(request, reply, next) {
      if (!request.is404 || !http.owns(request.raw.url ?? '/')) return next()
      serve(request, reply)
    })
    let closing = false
    fastify.addHook('preClose', (closed) => {
      closing = true
      closed()
    })
    fastify.addHook('onReady', (ready) => {
      if (nothingOfFastifyRuns(fastify, paths.size)) takeAhead(fastify.server, built.owns, listener, () => closing)
      ready()
    })
    done()
  }
  // The routes and the hooks belong to the server, not only to the plugin's own context (what
  // the fastify-plugin package marks the same way).
  Object.assign(plugin, { [Symbol.for('skip-override')]: true, [Symbol.for('fastify.display-name')]: 'pikku' })
  return plugin
}

/** How a Fastify route's handler runs its function. */
export interface FastifyRouteOptions extends RouteHandlerOptions {
  /** The input name of the route's wildcard (Fastify calls it `*`): `'path'` for `/files/*`. */
  wildcard?: string
}

/**
 * A handler for one Fastify route: Fastify routes and parses the body (the types it has
 * parsers for), its `request.params` become the function's params.
 *
 * ```ts
 * server.get('/todos/:id', pikkuFastifyRoute(app, getTodo))
 * server.get('/files/*', pikkuFastifyRoute(app, getFile, { wildcard: 'path' }))
 * ```
 */
export function pikkuFastifyRoute(app: PikkuApp, func: AnyAPIFunction, options: FastifyRouteOptions = {}): RouteHandlerMethod {
  const { wildcard, ...entry } = options
  app.prepare(func, { ...entry, usedBy: `pikkuFastifyRoute handler (function \`${functionName(func) ?? 'anonymous'}\`)` })
  const { http } = portOf(app)
  return (request: FastifyRequest, reply: FastifyReply) => {
    reply.hijack()
    const params = { ...(request.params as Record<string, string>) }
    if (wildcard !== undefined && '*' in params) {
      params[wildcard] = params['*']!
      delete params['*']
    }
    const host = http.hostRouted(func, params, entry)
    let described = nodeRequest(request.raw)
    let body: Uint8Array = NO_BODY
    try {
      if (readsBody(request.method) && request.body !== undefined && request.body !== null) {
        const rebuilt = bytesOfParsed(request.body, request.headers['content-type']?.startsWith('application/x-www-form-urlencoded') === true)
        body = rebuilt.body
        if (rebuilt.contentType !== undefined) described = withContentType(described, rebuilt.contentType)
      }
    } catch (error) {
      return writeNodeFailure(reply.raw, http.failure(error, described))
    }
    http
      .answer(described, body, { host })
      .then((answer) => writeNodeAnswer(reply.raw, answer))
      .catch((error: unknown) => writeNodeFailure(reply.raw, http.failure(error, described)))
  }
}
