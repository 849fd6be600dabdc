// Ours through the Fetch API handler, behind a minimal node:http ⇄ Request/Response bridge.
import { createServer } from 'node:http'

import { createBenchApp, load } from '../ours.mjs'
import { listen, toWebRequest, writeWebResponse } from '../shared.mjs'

const { createFetchHandler } = load('fetch')
const handle = createFetchHandler(createBenchApp())
const server = createServer((req, res) => {
  toWebRequest(req)
    .then(handle)
    .then((response) => writeWebResponse(res, response))
    .catch(() => {
      res.writeHead(500)
      res.end()
    })
})
listen(server)
