// Sends a request exactly as written (no URL normalisation, no client-side HEAD handling) and
// returns the raw response, for behaviours that fetch() would hide.
import { connect } from 'node:net'

export interface RawResponse {
  status: number
  headers: string
  body: string
}

export async function rawHttp(baseUrl: string, request: string | string[]): Promise<RawResponse> {
  const text = await rawText(baseUrl, request)
  const split = text.indexOf('\r\n\r\n')
  const match = /^HTTP\/1\.1 (\d{3})/.exec(text)
  if (!match) throw new Error(`no HTTP response: ${JSON.stringify(text.slice(0, 200))}`)
  return { status: Number(match[1]), headers: text.slice(0, split), body: text.slice(split + 4) }
}

/** Everything the server sends back on one connection (several answers when `request`
 * holds several requests), until it closes. A request given in parts is sent in pieces. */
export function rawText(baseUrl: string, request: string | string[], pauseMs = 20): Promise<string> {
  const { hostname, port } = new URL(baseUrl)
  const parts = typeof request === 'string' ? [request] : request
  return new Promise((resolve) => {
    const chunks: Buffer[] = []
    // Several parts go out as separate writes, `pauseMs` apart: separate reads on the server.
    const send = (index: number) => {
      socket.write(parts[index]!)
      if (index + 1 < parts.length) setTimeout(() => send(index + 1), pauseMs)
    }
    const socket = connect(Number(port), hostname, () => send(0))
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', () => {}) // the server may close while we still send; read what it said
    socket.on('close', () => resolve(Buffer.concat(chunks).toString()))
  })
}

/** A GET/HEAD request line and headers, closing the connection after the answer. */
export function simpleRequest(method: string, target: string): string {
  return `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`
}
