// Closing with a grace period, over real connections on 127.0.0.1: channel messages running at
// close get their reply (or an error reply once the grace period ends) before the 1001, and
// the standalone server answers a request still running at the end 503.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

import { describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'

import { addRoute, attachChannels, createApp, pikkuSessionlessFunc, type ChannelWiring, type CloseOptions } from '@pikku/native'
import { createRequestListener } from '@pikku/native/node-http'
import { listen } from '@pikku/native/standalone'

const wait = pikkuSessionlessFunc<Record<string, never>, { waited: boolean }>({
  name: 'closingWait',
  input: { type: 'object' },
  func: async () => {
    await new Promise((resolve) => setTimeout(resolve, 300))
    return { waited: true }
  },
})
const hang = pikkuSessionlessFunc<Record<string, never>, void>({
  name: 'closingHang',
  input: { type: 'object' },
  func: () => new Promise(() => {}),
})
const channels: ChannelWiring[] = [{ name: 'closing', route: '/ws/closing', auth: false, onMessageWiring: { action: { wait, hang } } }]

interface Served {
  url: string
  close(options: CloseOptions): Promise<void>
}

async function serve(kind: 'node-http' | 'standalone'): Promise<Served> {
  const app = createApp({ routes: [{ method: 'get', route: '/hang', func: hang, auth: false, timeoutMs: 0 }], channels })
  if (kind === 'standalone') {
    const server = listen(app, { threads: 1 })
    return { url: server.url, close: (options) => server.close(options) }
  }
  const server = createServer(createRequestListener(app))
  const served = attachChannels(app, server)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async (options) => {
      await served.close(options)
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** An open socket to the closing channel, with every reply and the close code it gets. */
async function socketTo(url: string): Promise<{ ws: WebSocket; replies: Record<string, any>[]; closed: Promise<number> }> {
  const ws = new WebSocket(`${url.replace('http:', 'ws:')}/ws/closing`)
  const replies: Record<string, any>[] = []
  ws.on('message', (data) => replies.push(JSON.parse(String(data))))
  const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)))
  await new Promise((resolve, reject) => ws.on('open', resolve).on('error', reject))
  return { ws, replies, closed }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe.each(['node-http', 'standalone'] as const)('closing %s', (kind) => {
  it('lets a channel message running at close finish, and sends its reply before the 1001', async () => {
    const server = await serve(kind)
    const { ws, replies, closed } = await socketTo(server.url)
    ws.send(JSON.stringify({ action: 'wait' }))
    await pause(50)
    await server.close({ graceMs: 5000 })
    expect(await closed).toBe(1001)
    expect(replies).toEqual([{ seq: 1, action: 'wait', data: { waited: true } }])
  })

  it('gives messages still running when the grace period ends, and those sent meanwhile, an error reply before the 1001', async () => {
    const server = await serve(kind)
    const { ws, replies, closed } = await socketTo(server.url)
    ws.send(JSON.stringify({ action: 'hang' }))
    await pause(50)
    const closing = server.close({ graceMs: 400 })
    await pause(100)
    ws.send(JSON.stringify({ action: 'wait' }))
    await closing
    expect(await closed).toBe(1001)
    expect(replies.map((reply) => [reply.seq, reply.error?.name])).toEqual([
      [2, 'ServiceUnavailableError'], // sent after close() began: refused at once
      [1, 'ServiceUnavailableError'], // still running when the grace period ended
    ])
    expect(replies[1]!.error.message).toMatch(/closed before this message was handled/)
  })
})

describe('closing the standalone server', () => {
  it('answers a request still running when the grace period ends 503, then resolves', async () => {
    const server = await serve('standalone')
    const answer = fetch(`${server.url}/hang`)
    await pause(100)
    const started = performance.now()
    await server.close({ graceMs: 300 })
    expect(performance.now() - started).toBeLessThan(3000)
    const response = await answer
    expect(response.status).toBe(503)
    expect((await response.json()).message).toMatch(/closed before the function finished \(it waited \d+ ms\)/)
  })

  it('refuses a grace period that is not a whole number of ms', async () => {
    const server = await serve('standalone')
    await expect(server.close({ graceMs: -1 })).rejects.toThrow(/PIKKU_ERR_CLOSE: graceMs must be a whole number of milliseconds from 0/)
    await server.close({ graceMs: 0 })
  })
})
