import type { IncomingMessage, ServerResponse } from 'node:http'

import type { PikkuApp } from '../app.js'
import { portOf } from '../app/port.js'
import type { HttpAnswer } from '../http/answer.js'
import { NO_BODY, nodeRequest, readNodeBody, readsBody, writeNodeAnswer, writeNodeFailure } from '../http/node.js'
import { awaitTurn, isTurnOf } from '../http/node-turns.js'

/**
 * A `node:http` request listener serving the app's routes.
 *
 * ```ts
 * import { createServer } from 'node:http'
 * createServer(createRequestListener(app)).listen(3000)
 * ```
 */
export function createRequestListener(app: PikkuApp): (req: IncomingMessage, res: ServerResponse) => void {
  const { http } = portOf(app)
  const serve = (req: IncomingMessage, res: ServerResponse) => {
    const request = nodeRequest(req)
    const fail = (error: unknown) => writeNodeFailure(res, http.failure(error, request))
    const write = (answer: HttpAnswer) => {
      try {
        writeNodeAnswer(res, answer)
      } catch (error) {
        fail(error) // a header Node refuses, say
      }
    }
    // Methods without a body input go straight to the engine: no body promise to wait for.
    if (!readsBody(req.method)) http.respond(request, NO_BODY, write, fail)
    else if (http.mayUpload(request)) http.respondUpload(request, req, write, fail)
    else readNodeBody(req, http.maxBodyBytes, (body) => http.respond(request, body, write, fail), fail)
  }
  return (req, res) => (isTurnOf(res) ? serve(req, res) : awaitTurn(req, res, () => serve(req, res)))
}
