import type { NextFunction, Request, RequestHandler, Response } from 'express'

import type { EntryOptions, PikkuApp } from '../app.js'
import { nodeRequest, readNodeBody, readsBody, writeNodeAnswer } from '../http/node.js'
import type { AnyAPIFunction } from '../types.js'

/**
 * Express middleware serving the app's routes; other paths go on to `next()`. Works with or
 * without `express.json()` before it.
 *
 * ```ts
 * const server = express()
 * server.use(pikkuExpress(app))
 * ```
 */
export function pikkuExpress(app: PikkuApp): RequestHandler {
  return (req, res, next) => {
    // A body stream must not be read for a path we do not own: the next handler needs it.
    // Without one to read, the engine's single call tells (an unmatched answer).
    if (readsBody(req.method) && req.body === undefined && !app.owns(req.url)) return next()
    bodyOf(req, app.maxBodyBytes)
      .then(({ body, contentType }) => app.handleHttp(expressRequest(req, contentType), body))
      .then((answer) => (answer.unmatched ? next() : writeNodeAnswer(res, answer)))
      .catch(next)
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
export function pikkuExpressRoute(app: PikkuApp, func: AnyAPIFunction, options?: EntryOptions): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    bodyOf(req, app.maxBodyBytes)
      .then(({ body, contentType }) =>
        app.invokeHttp(func, req.params as Record<string, string>, expressRequest(req, contentType), body, options),
      )
      .then((answer) => writeNodeAnswer(res, answer))
      .catch(next)
  }
}

function expressRequest(req: Request, contentType: string | undefined) {
  const request = nodeRequest(req)
  if (contentType === undefined) return request
  return { ...request, headers: { get: (name: string) => (name === 'content-type' ? contentType : request.headers.get(name)) } }
}

/**
 * The raw body: read from the stream, or rebuilt from what a body parser before us already
 * read (`express.json()`, `express.urlencoded()`, `express.text()`, `express.raw()`).
 */
async function bodyOf(req: Request, limit: number): Promise<{ body: Uint8Array | null; contentType?: string }> {
  const parsed: unknown = req.body
  if (parsed === undefined) {
    // Nothing parsed it: read the stream, unless something consumed it already.
    return { body: req.readableEnded ? new Uint8Array(0) : await readNodeBody(req, limit) }
  }
  if (parsed instanceof Uint8Array) return { body: parsed }
  if (typeof parsed === 'string') return { body: Buffer.from(parsed) }
  if (req.is('application/x-www-form-urlencoded') && isFlatStrings(parsed)) {
    return { body: Buffer.from(new URLSearchParams(parsed as Record<string, string>).toString()) }
  }
  return { body: Buffer.from(JSON.stringify(parsed)), contentType: 'application/json' }
}

function isFlatStrings(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.values(value).every((v) => typeof v === 'string')
}
