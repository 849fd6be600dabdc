import type { NextFunction, Request, RequestHandler, Response } from 'express'

import type { PikkuApp, RouteHandlerOptions } from '../app.js'
import { portOf } from '../app/port.js'
import { NO_BODY, nodeBody, nodeRequest, readsBody, writeNodeAnswer, writeNodeFailure } from '../http/node.js'
import { awaitTurn, isTurnOf } from '../http/node-turns.js'
import { bytesOfParsed, withContentType } from '../http/parsed-body.js'
import type { HttpAnswer } from '../http/answer.js'
import type { HttpPipeline, RespondOptions } from '../http/pipeline.js'
import { functionName } from '../functions.js'
import type { AnyAPIFunction } from '../types.js'

/**
 * Express middleware serving the app's routes; other paths go on to `next()`. Works with or
 * without `express.json()` / `express.urlencoded()` before it.
 *
 * ```ts
 * const server = express()
 * server.use(pikkuExpress(app))
 * ```
 */
export function pikkuExpress(app: PikkuApp): RequestHandler {
  const { http } = portOf(app)
  return (req, res, next) => {
    // Paths we do not own go on untouched when we would read their body (the next handler
    // needs it). Otherwise one engine call decides; an unmatched answer calls `next()`.
    const mustCheck = readsBody(req.method) && req.body === undefined
    if (mustCheck && !http.owns(req.url)) return next()
    serve(http, req, res, { fallThrough: true }, next)
  }
}

/**
 * A handler for one Express route: Express routes, its `req.params` become the function's
 * params.
 *
 * ```ts
 * server.get('/todos/:id', pikkuExpressRoute(app, getTodo))
 * ```
 */
export function pikkuExpressRoute(app: PikkuApp, func: AnyAPIFunction, options?: RouteHandlerOptions): RequestHandler {
  app.prepare(func, { ...options, usedBy: `pikkuExpressRoute handler (function \`${functionName(func) ?? 'anonymous'}\`)` })
  const { http } = portOf(app)
  return (req: Request, res: Response, next: NextFunction) => {
    const host = http.hostRouted(func, req.params as Record<string, string>, options)
    // The whole path (a router's mount point included), for route-pattern middleware.
    serve(http, req, res, { host }, next, req.originalUrl)
  }
}

function serve(http: HttpPipeline, req: Request, res: Response, route: RespondOptions, next: NextFunction, url?: string): void {
  if (!isTurnOf(res)) return awaitTurn(req, res, () => serve(http, req, res, route, next, url))
  let request = nodeRequest(req, url)
  if (req.body === undefined && !route.host && readsBody(req.method) && http.mayUpload(request)) {
    const deliver = (answer: HttpAnswer) => (answer.unmatched ? next() : writeNodeAnswer(res, answer))
    return http.respondUpload(request, req, deliver, (error) => writeNodeFailure(res, http.failure(error, request)), route)
  }
  bodyOf(req, http.maxBodyBytes)
    .then(({ body, contentType }) => {
      if (contentType !== undefined) request = withContentType(request, contentType)
      return http.answer(request, body, route)
    })
    .then((answer) => (answer.unmatched ? next() : writeNodeAnswer(res, answer)))
    .catch((error: unknown) => writeNodeFailure(res, http.failure(error, request)))
}

/**
 * The raw body: read from the stream, or rebuilt from what a body parser before us already
 * read (`express.json()`, `express.urlencoded()`, `express.text()`, `express.raw()`).
 */
async function bodyOf(req: Request, limit: number): Promise<{ body: Uint8Array | null; contentType?: string }> {
  const parsed: unknown = req.body
  if (parsed === undefined) {
    // Nothing parsed it: read the stream, unless something consumed it already.
    return { body: req.readableEnded ? NO_BODY : await nodeBody(req, limit) }
  }
  return bytesOfParsed(parsed, Boolean(req.is('application/x-www-form-urlencoded')))
}
