// Clients that misbehave on purpose, against each server in a process of its own
// (fixtures/hostile-server.mjs) so that its memory is measured alone: raw sockets on
// 127.0.0.1, bounded in count and time. Memory is asserted as growth within one test.
import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { rawHttp, rawText } from './helpers/raw-http.js'

const KINDS = ['standalone', 'node-http', 'express'] as const

/** A server of `kind` in a child process, and its resident memory on request. */
class ServerProcess {
  private lines: string[] = []
  private wake: (() => void) | undefined
  private constructor(private readonly child: ChildProcess) {
    let partial = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      partial += chunk.toString()
      for (let cut = partial.indexOf('\n'); cut >= 0; cut = partial.indexOf('\n')) {
        this.lines.push(partial.slice(0, cut))
        partial = partial.slice(cut + 1)
      }
      this.wake?.()
    })
  }

  static async start(kind: string): Promise<{ server: ServerProcess; url: string }> {
    const script = join(__dirname, 'fixtures', 'hostile-server.mjs')
    const child = spawn(process.execPath, ['--expose-gc', script, kind], { stdio: ['pipe', 'pipe', 'inherit'] })
    const server = new ServerProcess(child)
    const port = await server.next('port')
    return { server, url: `http://127.0.0.1:${port}` }
  }

  /** The value of the next line starting with `key `. */
  private next(key: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server said no "${key}" line`)), 10_000)
      this.wake = () => {
        const index = this.lines.findIndex((line) => line.startsWith(`${key} `))
        if (index < 0) return
        clearTimeout(timer)
        this.wake = undefined
        resolve(this.lines.splice(index, 1)[0]!.slice(key.length + 1))
      }
      this.wake()
    })
  }

  /** Resident memory in MB, after a collection. */
  async rssMb(): Promise<number> {
    this.child.stdin!.write('rss\n')
    return Number(await this.next('rss')) / 2 ** 20
  }

  /** How many times GET /large has run. */
  async largeRuns(): Promise<number> {
    this.child.stdin!.write('runs\n')
    return Number(await this.next('runs'))
  }

  stop(): void {
    this.child.kill()
  }
}

/** Sends a JSON body of `size` bytes a byte or a few at a time (each write its own segment). */
function dribble(url: string, size: number): Promise<string> {
  const { port } = new URL(url)
  const body = JSON.stringify({ text: 'a'.repeat(size - 11) })
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', async () => {
      socket.setNoDelay(true)
      socket.write(`POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`)
      for (let i = 0; i < body.length; i++) {
        if (socket.destroyed) return
        socket.write(body[i]!)
        if (i % 4 === 0) await new Promise((next) => setImmediate(next))
      }
    })
    let reply = ''
    socket.on('data', (chunk) => {
      reply += chunk
      if (reply.includes('\r\n\r\n{')) {
        socket.destroy()
        resolve(reply)
      }
    })
    socket.on('error', reject)
    socket.setTimeout(30_000, () => reject(new Error('no answer to a dribbled body')))
  })
}

/** A connection that sends `request` and reads nothing until `read()` is called, which
 * resolves with everything the server sent once it closes the connection. */
function unreadConnection(url: string, request: string): { read: () => Promise<string> } {
  const { port } = new URL(url)
  const socket = connect(Number(port), '127.0.0.1', () => socket.write(request))
  socket.pause()
  socket.on('error', () => {}) // a reset after the server closed: what arrived is the result
  const closed = new Promise<string>((resolve) => {
    const chunks: Buffer[] = []
    socket.on('data', (chunk: Buffer) => chunks.push(chunk))
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')))
  })
  return {
    read: () => {
      socket.resume()
      return closed
    },
  }
}

/** How many answers start in `text`. */
function answersIn(text: string): number {
  return text.split('HTTP/1.1 200 ').length - 1
}

describe.each(KINDS)('hostile clients against %s', (kind) => {
  let server: ServerProcess
  let url: string
  beforeAll(async () => {
    ;({ server, url } = await ServerProcess.start(kind))
  })
  afterAll(() => server?.stop())

  // Linux only: the child's resident set comes from the kernel.
  it.skipIf(!existsSync('/proc/self/status'))('five clients sending 20 KB bytewise add little memory', async () => {
    const before = await server.rssMb()
    const replies = await Promise.all(Array.from({ length: 5 }, () => dribble(url, 20_000)))
    for (const reply of replies) expect(reply).toMatch(/^HTTP\/1\.1 200 /)
    const after = await server.rssMb()
    // Kept as a frame each, the standalone server grew by 100–160 MB here.
    expect(after - before).toBeLessThan(20)
  }, 60_000)

  it('answers the requests before a head with a bare LF, then refuses it and closes', async () => {
    const body = '{"text":\n"ab"}' // a line feed in a body is no line ending
    const text = await rawText(
      url,
      `POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}` +
        'GET /items/5 HTTP/1.1\nHost: 127.0.0.1\n\nGET /items/6 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n',
    )
    const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => Number(match[1]))
    expect(statuses).toEqual([200, 400])
  })

  it('runs no pipelined function ahead of an answer its client has not read', async () => {
    const before = await server.largeRuns()
    const get = 'GET /large HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'
    const last = 'GET /large HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'
    const clients = Array.from({ length: 4 }, () => unreadConnection(url, get.repeat(3) + last))
    await new Promise((resolve) => setTimeout(resolve, 1000))
    // The first answer (6 MB) fills the socket: the second waits for the client to read it.
    // Without turns, Node ran all 16 and held 96 MB of answers.
    expect((await server.largeRuns()) - before).toBe(4)
    const texts = await Promise.all(clients.map((client) => client.read()))
    for (const text of texts) expect(answersIn(text)).toBe(4)
    expect((await server.largeRuns()) - before).toBe(16)
  }, 30_000)

  it('closes a connection that piles up pipelined requests behind an unread answer, or reads them in turn', async () => {
    const small = 'GET /items/5 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'
    const last = 'GET /items/5 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'
    const client = unreadConnection(url, 'GET /large HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' + small.repeat(39) + last)
    await new Promise((resolve) => setTimeout(resolve, 500))
    const answers = answersIn(await client.read())
    // hyper reads no request ahead of an unsent answer: the 40 wait in the socket, unparsed.
    // Node parses them all at once: beyond 32 waiting, the connection is closed.
    if (kind === 'standalone') expect(answers).toBe(41)
    else expect(answers).toBeLessThanOrEqual(1)
  }, 30_000)

  it('answers a chunked body with bad framing 400, saying why', async () => {
    const response = await rawHttp(url, 'POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n')
    expect(response.status).toBe(400)
    if (kind === 'standalone') expect(response.body).toContain('The request body could not be read: its framing is invalid')
  })

  it('answers an upgrade to another protocol (h2c, as curl --http2 asks) from its route', async () => {
    const response = await rawHttp(url, 'GET /items/5 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, HTTP2-Settings, close\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n')
    expect(response.status).toBe(200)
    expect(JSON.parse(response.body)).toEqual({ length: 0 })
  })

  it.each([
    ['transfer-encoding', 500],
    ['status-101', 500],
    ['status-999', 500],
    ['emoji', 500],
    ['line-break', 500],
    ['object', 500],
  ])('refuses what middleware sets with ?set=%s: %i, the same on every adapter', async (set, status) => {
    const response = await rawHttp(url, `GET /set?set=${set} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)
    expect(response.status).toBe(status)
    // Outside production the 500 says why (the server's log says it always).
    expect(JSON.parse(response.body).message).toMatch(/^response\.(status|header)\(/)
    expect(response.headers.toLowerCase()).not.toContain('transfer-encoding')
    expect(response.headers.toLowerCase()).not.toContain('evil')
  })

  it('sends a number header as its digits and a Latin-1 one as its bytes', async () => {
    const number = await rawHttp(url, 'GET /set?set=number HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')
    expect(number.status).toBe(200)
    expect(number.headers.toLowerCase()).toMatch(/\r\nx-number: 42(\r\n|$)/)
    const { port } = new URL(url)
    const raw = await new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = []
      const socket = connect(Number(port), '127.0.0.1', () => socket.end('GET /set?set=latin1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'))
      socket.on('data', (chunk) => chunks.push(chunk))
      socket.on('close', () => resolve(Buffer.concat(chunks)))
    })
    expect(raw.includes(Buffer.from('x-text: caf\xe9\r\n', 'latin1'))).toBe(true)
  })

  it.each([
    ['a method in lower case', 'post /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}', 'not in upper case'],
    ['HEAD in lower case (it would run GET and send the body)', 'head /large HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 'not in upper case'],
    ['an HTTP/1.1 request without Host', 'GET /items/5 HTTP/1.1\r\n\r\n', 'Host header'],
    ['two different Content-Lengths', 'POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}x', ''],
    ['a request line ended by a bare LF', 'GET /items/5 HTTP/1.1\nHost: 127.0.0.1\r\n\r\n', 'bare LF'],
    ['a header line ended by a bare LF', 'GET /items/5 HTTP/1.1\r\nHost: 127.0.0.1\n\r\n', 'bare LF'],
  ])('refuses %s with 400, as Node does', async (_name, request, reason) => {
    const response = await rawHttp(url, request)
    expect(response.status).toBe(400)
    expect(response.body.length).toBeLessThan(1000) // never the 6 MB of GET /large
    if (kind === 'standalone' && reason) expect(JSON.parse(response.body).message).toContain(reason)
  })
})
