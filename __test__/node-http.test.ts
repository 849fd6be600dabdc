// Behaviour only the node:http adapter has: how it reads a request body.
import { once } from 'node:events'
import { Agent, createServer, request, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'

import { createApp, pikkuSessionlessFunc } from '@pikku/native'
import { createRequestListener } from '@pikku/native/node-http'

const echo = pikkuSessionlessFunc({ func: async (_services, data: unknown) => data })
const app = createApp({ routes: [{ method: 'post', route: '/echo', func: echo, auth: false }] })

/** POSTs `body` as JSON through `agent` (head and body in one write) and parses the answer. */
function postJson(url: string, body: unknown, agent: Agent): Promise<unknown> {
  const text = JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) } }, (res) => {
      let answer = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (answer += chunk))
      res.on('end', () => resolve(JSON.parse(answer)))
    })
    req.on('error', reject)
    req.end(text)
  })
}

describe('node:http adapter', () => {
  it("ends and closes each request whose body came with its head, on a kept-alive connection", async () => {
    const listener = createRequestListener(app)
    const requests: IncomingMessage[] = []
    const server = createServer((req, res) => {
      requests.push(req)
      listener(req, res)
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/echo`
    try {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 })
      for (let n = 0; n < 5; n++) expect(await postJson(url, { n }, agent)).toEqual({ n })
      agent.destroy()
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(requests).toHaveLength(5)
      expect(new Set(requests.map((req) => req.socket)).size).toBe(1) // one kept-alive connection
      for (const req of requests) {
        expect(req.readableEnded).toBe(true)
        expect(req.destroyed).toBe(true) // closed, as a request whose body was streamed is
      }
    } finally {
      server.closeAllConnections()
      server.close()
    }
  })
})
