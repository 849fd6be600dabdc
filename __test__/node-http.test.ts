// Behaviour only the node:http adapter has: how it reads a request body.
import { once } from 'node:events'
import { Agent, createServer, request, type IncomingMessage } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { describe, expect, it } from 'vitest'

import { createApp, pikkuSessionlessFunc } from '@pikku/native'
import { createRequestListener } from '@pikku/native/node-http'

const echo = pikkuSessionlessFunc({ input: {}, func: async (_services, data: unknown) => data })
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
  it('removes its listeners from a request once its streamed body has ended, and answers it', async () => {
    let release: () => void = () => {}
    const gate = new Promise<void>((resolve) => (release = resolve))
    let started: () => void = () => {}
    const running = new Promise<void>((resolve) => (started = resolve))
    const slow = pikkuSessionlessFunc({
      input: {},
      func: async (_services, data: unknown) => {
        started()
        await gate
        return data
      },
    })
    const slowApp = createApp({ routes: [{ method: 'post', route: '/slow', func: slow, auth: false }] })
    const listener = createRequestListener(slowApp)
    let seen: IncomingMessage | undefined
    const server = createServer((req, res) => {
      seen = req
      listener(req, res)
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    try {
      const socket = connect((server.address() as AddressInfo).port, '127.0.0.1')
      await once(socket, 'connect')
      let answer = ''
      socket.setEncoding('utf8')
      socket.on('data', (chunk: string) => (answer += chunk))
      // The head first, the body after a pause: the body streams in.
      socket.write('POST /slow HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 8\r\n\r\n')
      await new Promise((resolve) => setTimeout(resolve, 30))
      socket.write('{"n":1}\n')
      await running
      // Only one of the reader's callbacks may ever run: none of its listeners stays behind.
      for (const event of ['data', 'end', 'error']) expect(seen?.listenerCount(event)).toBe(0)
      release()
      await new Promise((resolve) => setTimeout(resolve, 50))
      expect(answer).toMatch(/^HTTP\/1\.1 200 /)
      expect(answer).toContain('{"n":1}')
      socket.destroy()
    } finally {
      server.closeAllConnections()
      server.close()
    }
  })

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
