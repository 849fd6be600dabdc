import type { PikkuApp } from '../../app.js'
import { portOf } from '../../app/port.js'
import type { HttpAnswer } from '../../http/answer.js'
import { PikkuStartupError } from '../../startup-error.js'
import { bodyOf, kindOf, requestOf, resultOf, type HttpEvent, type HttpResult } from './http-events.js'

/** How the HTTP handler reads paths. */
export interface LambdaHttpOptions {
  /** A prefix the routes do not carry, cut off the path: a REST API's stage (`/prod`) or a custom domain's mapping. */
  basePath?: string
}

/**
 * An AWS Lambda handler for the app's routes, behind API Gateway (REST APIs, and HTTP APIs
 * with payload 1.0 or 2.0) or an Application Load Balancer: each event's source is read from
 * its shape. Make it once, at module scope, so that the engine is built once per container.
 *
 * ```ts
 * import { createHttpHandler } from '@pikku/native/lambda'
 * export const handler = createHttpHandler(app)
 * ```
 */
export function createHttpHandler(app: PikkuApp, options: LambdaHttpOptions = {}): (event: HttpEvent) => Promise<HttpResult> {
  const { http, built } = portOf(app)
  const problems = built.routes.flatMap(({ target }) => {
    const subject = `route \`${target.label}\``
    const serve = 'serve it from a server (node:http, Express, Fastify)'
    if (target.sse) {
      return [{ code: 'PIKKU_ERR_LAMBDA' as const, subject, message: 'it streams server-sent events (`sse: true`), but a Lambda HTTP handler answers whole responses', fix: `${serve}, or drop \`sse: true\`` }]
    }
    if (target.upload) {
      return [{ code: 'PIKKU_ERR_LAMBDA' as const, subject, message: 'it takes uploads, which a Lambda HTTP handler does not stream to files', fix: `${serve}, or drop \`upload\`` }]
    }
    return []
  })
  if (problems.length > 0) throw new PikkuStartupError(problems)
  const basePath = (options.basePath ?? '').replace(/\/+$/, '')
  return async (event) => {
    const kind = kindOf(event) // not an HTTP event: the invocation fails, naming what it lacks
    const request = requestOf(kind, event, basePath)
    let answer: HttpAnswer
    try {
      answer = await http.answer(request, bodyOf(event, http.maxBodyBytes))
    } catch (error) {
      answer = http.failure(error, request) // a bad base64 body: 400
    }
    return resultOf(kind, event, answer)
  }
}
