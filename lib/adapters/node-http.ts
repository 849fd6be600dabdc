import type { IncomingMessage, ServerResponse } from 'node:http'

import type { PikkuApp } from '../app.js'
import { nodeRequest, readNodeBody, writeNodeAnswer, writeNodeFailure } from '../http/node.js'

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
    readNodeBody(req, app.maxBodyBytes)
      .then((body) => app.handleHttp(request, body))
      .then((answer) => writeNodeAnswer(res, answer))
      .catch((error: unknown) => writeNodeFailure(res, app.failure(error, request)))
  }
}
