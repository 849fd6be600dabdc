// Sends a request exactly as written (no URL normalisation, no client-side HEAD handling) and
// returns the raw response, for behaviours that fetch() would hide.
import { connect } from 'node:net'

export interface RawResponse {
  status: number
  headers: string
  body: string
}

export function rawHttp(baseUrl: string, request: string): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl)
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    const socket = connect(Number(port), hostname, () => socket.write(request))
    socket.on('data', (chunk) => chunks.push(chunk))
    socket.on('error', () => {}) // the server may close while we still send; read what it said
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString()
      const split = text.indexOf('\r\n\r\n')
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text)
      if (!match) return reject(new Error(`no HTTP response: ${JSON.stringify(text.slice(0, 200))}`))
      resolve({ status: Number(match[1]), headers: text.slice(0, split), body: text.slice(split + 4) })
    })
  })
}

/** A GET/HEAD request line and headers, closing the connection after the answer. */
export function simpleRequest(method: string, target: string): string {
  return `${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`
}
