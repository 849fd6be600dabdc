import type { IncomingMessage, ServerResponse } from 'node:http'

import type { PikkuApp } from '../app.js'
import { NO_BODY, nodeRequest, readNodeBody, readsBody, writeNodeAnswer, writeNodeFailure } from '../http/node.js'

/**
 * A `node:http` request listener serving the app's routes.
 *
 * ```ts
 * import { createServer } from 'node:http'
 * createServer(createRequestListener(app)).listen(3000)
 * ```
 */
export function createRequestListener(app: PikkuApp): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const request = nodeRequest(req)
    // Methods without a body input go straight to the engine: no body promise to wait for.
    const answered = readsBody(req.method) ? readNodeBody(req, app.maxBodyBytes).then((body) => app.handleHttp(request, body)) : app.handleHttp(request, NO_BODY)
    const fail = (error: unknown) => writeNodeFailure(res, app.failure(error, request))
    answered.then((answer) => {
      try {
        writeNodeAnswer(res, answer)
      } catch (error) {
        fail(error) // a header Node refuses, say
      }
    }, fail)
  }
}
