// The send timeout of the Node adapters (lib/http/node-turns.ts): a real node:http server, a
// client that reads nothing of a 16 MB answer, then everything.
import { createServer, type Server } from 'node:http'
import { connect, type AddressInfo } from 'node:net'

import { afterEach, describe, expect, it } from 'vitest'

import { watchSending } from '../lib/http/node-turns.js'

const ANSWER_BYTES = 16 * 1024 * 1024

let server: Server | undefined
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())))

/** Serves `ANSWER_BYTES`, watched with `timeoutMs`; sends one request that it reads after
 * `waitMs`, and resolves with the bytes that arrived before the connection closed. */
async function bytesRead(timeoutMs: number, waitMs: number): Promise<number> {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'content-length': ANSWER_BYTES, connection: 'close' })
    res.end(Buffer.alloc(ANSWER_BYTES, 'x'))
    watchSending(res.socket!, timeoutMs)
  })
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return new Promise((resolve) => {
    let read = 0
    const socket = connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'))
    socket.pause()
    socket.on('data', (chunk: Buffer) => (read += chunk.length))
    socket.on('error', () => {}) // reset by the server: what arrived is the result
    socket.on('close', () => resolve(read))
    setTimeout(() => socket.resume(), waitMs)
  })
}

describe('the send timeout of the Node adapters', () => {
  it('closes a connection whose client reads nothing for the timeout', async () => {
    expect(await bytesRead(300, 1000)).toBeLessThan(ANSWER_BYTES)
  })

  it('leaves a client that reads within the timeout its whole answer', async () => {
    expect(await bytesRead(5000, 300)).toBeGreaterThan(ANSWER_BYTES)
  })
})
