// What the standalone server adds to the shared behaviour suite (which it also runs): many
// calls in flight at once, keep-alive, graceful close, errors at listen, a process that exits
// after close, and the body limit on streamed bodies.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createApp, pikkuSessionlessFunc, type PikkuMiddleware, type RouteWiring } from '@pikku/native'
import { listen, type ListenOptions, type StandaloneServer } from '@pikku/native/standalone'

import { rawHttp, rawText } from './helpers/raw-http.js'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// No schemas here: path and query values stay strings.
const slow = pikkuSessionlessFunc<{ n: string; ms?: string }, { n: string }>({
  name: 'slowEcho',
  input: { type: 'object', properties: { n: { type: 'string' }, ms: { type: 'string' } }, required: ['n'] },
  func: async (_services, { n, ms }) => {
    await sleep(Number(ms ?? 50))
    return { n }
  },
})
const boom = pikkuSessionlessFunc<Record<string, never>, never>({
  name: 'syncBoom',
  input: { type: 'object' },
  func: (() => {
    throw new Error('thrown before any await')
  }) as never,
})
const sizeOf = pikkuSessionlessFunc<{ data: string }, { length: number }>({
  name: 'sizeOf',
  input: { type: 'object', properties: { data: { type: 'string' } }, required: ['data'] },
  func: async (_services, { data }) => ({ length: data.length }),
})

// Middleware that gets the response wrong in ways plain JavaScript allows.
const wrongLength: PikkuMiddleware = async (_services, context, next) => {
  context.http?.response.header('content-length', '3')
  await next()
}
const wrongStatus: PikkuMiddleware = async (_services, context, next) => {
  context.http?.response.status(70000)
  await next()
}
// Bodies of every kind in one batch: beyond ASCII, beyond the BMP, quotes to escape, none.
const textOf = pikkuSessionlessFunc<{ n: string }, { text: string } | null>({
  name: 'textOf',
  input: { type: 'object', properties: { n: { type: 'string' } }, required: ['n'] },
  func: async (_services, { n }) => (Number(n) % 5 === 0 ? null : { text: `${'é😀"\\'.repeat(Number(n) % 7)}#${n}` }),
})
// Large bodies: a turn that settles several goes back in parts.
const big = pikkuSessionlessFunc<{ n: string }, { n: string; data: string }>({
  name: 'bigBody',
  input: { type: 'object', properties: { n: { type: 'string' } }, required: ['n'] },
  func: async (_services, { n }) => ({ n, data: 'é'.repeat(5_000_000) }),
})
const hello = pikkuSessionlessFunc<Record<string, never>, { hello: string }>({ name: 'standaloneHello', input: { type: 'object' }, func: async () => ({ hello: 'world' }) })

const routes: RouteWiring[] = [
  { method: 'get', route: '/slow/:n', func: slow, auth: false },
  { method: 'get', route: '/boom', func: boom, auth: false },
  { method: 'get', route: '/text/:n', func: textOf, auth: false },
  { method: 'get', route: '/big/:n', func: big, auth: false },
  { method: 'post', route: '/size', func: sizeOf, auth: false },
  { method: 'get', route: '/wrong-length', func: hello, auth: false, middleware: [wrongLength] },
  { method: 'get', route: '/wrong-status', func: hello, auth: false, middleware: [wrongStatus] },
  { method: 'get', route: '/hello', func: hello, auth: false },
]

describe('standalone server', () => {
  let server: StandaloneServer

  beforeAll(() => {
    server = listen(createApp({ routes, maxBodyBytes: 64 * 1024 }))
  })
  afterAll(() => server.close())

  it('keeps many calls in flight at once, each answered with its own result', async () => {
    const started = Date.now()
    const answers = await Promise.all(
      Array.from({ length: 300 }, (_, n) => fetch(`${server.url}/slow/${n}?ms=200`).then((res) => res.json() as Promise<{ n: string }>)),
    )
    expect(answers.map((a) => a.n)).toEqual(Array.from({ length: 300 }, (_, n) => String(n)))
    // 300 calls of 200 ms each: together, not one after another (that would be 60 s).
    expect(Date.now() - started).toBeLessThan(10_000)
  })

  it('gives each answer of a batch its own body, whatever its characters, or none', async () => {
    const answers = await Promise.all(
      Array.from({ length: 100 }, async (_, n) => {
        const res = await fetch(`${server.url}/text/${n}`)
        return { n, status: res.status, text: await res.text() }
      }),
    )
    for (const { n, status, text } of answers) {
      if (n % 5 === 0) expect([status, text]).toEqual([204, ''])
      else expect([status, JSON.parse(text)]).toEqual([200, { text: `${'é😀"\\'.repeat(n % 7)}#${n}` }])
    }
  })

  it('sends the answers of a turn in parts when their bodies are large, every one whole', async () => {
    // 4 × 5M units: past the 16M units at which a turn's answers go back at once.
    const answers = await Promise.all(
      Array.from({ length: 4 }, async (_, n) => {
        const res = await fetch(`${server.url}/big/${n}`)
        return { status: res.status, body: (await res.json()) as { n: string; data: string } }
      }),
    )
    answers.forEach(({ status, body }, n) => {
      expect(status).toBe(200)
      expect(body.n).toBe(String(n))
      expect(body.data.length).toBe(5_000_000)
    })
  })

  it('serves several requests on one keep-alive connection', async () => {
    const replies = await rawText(server.url, 'GET /slow/1?ms=1 HTTP/1.1\r\nHost: x\r\n\r\nGET /slow/2?ms=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    expect(replies.match(/HTTP\/1\.1 200/g)).toHaveLength(2)
    expect(replies).toContain('{"n":"1"}')
    expect(replies).toContain('{"n":"2"}')
  })

  it('answers a function that throws before any await with 500, and keeps serving', async () => {
    const res = await fetch(`${server.url}/boom`)
    expect(res.status).toBe(500)
    expect(((await res.json()) as { message: string }).message).toBe('thrown before any await')
    expect((await fetch(`${server.url}/slow/3?ms=1`)).status).toBe(200)
  })

  it('answers 413 to a chunked body over the limit, and 200 to one within it', async () => {
    const chunk = 'x'.repeat(16 * 1024)
    const over = await rawHttp(
      server.url,
      `POST /size HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n` +
        `${(chunk.length).toString(16)}\r\n${chunk}\r\n`.repeat(5) +
        '0\r\n\r\n',
    )
    expect(over.status).toBe(413)
    const within = await fetch(`${server.url}/size`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: chunk })
    expect(await within.json()).toEqual({ length: chunk.length })
  })

  it('refuses a length set by middleware (500), and the connection stays in step', async () => {
    const replies = await rawText(server.url, 'GET /wrong-length HTTP/1.1\r\nHost: x\r\n\r\nGET /slow/5?ms=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    expect(replies).toMatch(/^HTTP\/1\.1 500 /)
    expect(replies).toContain('{"n":"5"}')
    expect(replies.toLowerCase()).not.toContain('content-length: 3\r\n')
  })

  it('answers a status that is no HTTP status with 500 for that request alone', async () => {
    const [wrong, right] = await Promise.all([fetch(`${server.url}/wrong-status`), fetch(`${server.url}/slow/6?ms=1`)])
    expect(wrong.status).toBe(500)
    expect(right.status).toBe(200)
  })

  it('refuses a port that is taken, naming the address', () => {
    expect(() => listen(createApp({ routes }), { port: server.port })).toThrow(`PIKKU_ERR_LISTEN: cannot listen on 127.0.0.1:${server.port}`)
  })
})

describe('the standalone server’s header count', () => {
  // `extra` headers besides Host and Connection, a dozen bytes each: far inside the 16 KB
  // head limit.
  const withHeaders = (extra: number) => {
    const lines = Array.from({ length: extra }, (_, n) => `x-h${n}: ${n}\r\n`).join('')
    return `GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n${lines}Connection: close\r\n\r\n`
  }

  it('takes 100 headers by default and answers 101 with 431', async () => {
    const server = listen(createApp({ routes }))
    try {
      expect((await rawHttp(server.url, withHeaders(98))).status).toBe(200)
      expect((await rawHttp(server.url, withHeaders(99))).status).toBe(431)
      expect((await rawHttp(server.url, withHeaders(0))).status).toBe(200) // still serving
    } finally {
      await server.close()
    }
  })

  it('takes up to maxHeaders headers', async () => {
    const server = listen(createApp({ routes }), { maxHeaders: 200 })
    try {
      const answer = await rawHttp(server.url, withHeaders(198))
      expect(answer.status).toBe(200)
      expect(JSON.parse(answer.body)).toEqual({ hello: 'world' })
      expect((await rawHttp(server.url, withHeaders(199))).status).toBe(431)
    } finally {
      await server.close()
    }
  })

  it('refuses a port, thread count or maxHeaders that is no whole number in range, naming it', async () => {
    const wrong: [ListenOptions, string][] = [
      [{ maxHeaders: 0 }, 'maxHeaders must be a whole number from 1 to 1024, not 0'],
      [{ maxHeaders: 1.5 }, 'maxHeaders must be a whole number from 1 to 1024, not 1.5'],
      [{ maxHeaders: 5000 }, 'maxHeaders must be a whole number from 1 to 1024, not 5000'],
      [{ maxHeaders: '200' as never }, 'maxHeaders must be a whole number from 1 to 1024, not "200" (a string)'],
      [{ threads: -1 }, 'threads must be a whole number from 1 to 1024, not -1'],
      [{ port: 70000 }, 'port must be a whole number from 0 to 65535, not 70000'],
      [{ backlog: 0 }, 'backlog must be a whole number from 1 to 65535, not 0'],
    ]
    for (const [options, message] of wrong) {
      let server: StandaloneServer | undefined
      try {
        expect(() => (server = listen(createApp({ routes }), options))).toThrow(new RangeError(`PIKKU_ERR_LISTEN: ${message}`))
      } finally {
        await server?.close() // listening after all: the check is gone
      }
    }
  })
})

// `ss` shows a listening socket's backlog as its Send-Q (iproute2, Linux).
const hasSs = spawnSync('sh', ['-c', 'command -v ss']).status === 0
describe.skipIf(!hasSs)('the standalone server’s backlog', () => {
  const backlogOf = (port: number) => {
    const out = spawnSync('ss', ['-ltnH', `sport = :${port}`], { encoding: 'utf8' }).stdout.trim().split(/\s+/)
    return Number(out[2]) // State Recv-Q Send-Q Local Peer
  }
  it("is Node's 511 by default, and what `backlog` says (the kernel's cap aside)", async () => {
    const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'))
    const plain = listen(createApp({ routes }))
    const raised = listen(createApp({ routes }), { backlog: 2048 })
    try {
      expect(backlogOf(plain.port)).toBe(Math.min(511, somaxconn))
      expect(backlogOf(raised.port)).toBe(Math.min(2048, somaxconn))
    } finally {
      await Promise.all([plain.close(), raised.close()])
    }
  })
})

describe('closing the standalone server', () => {
  it('lets a request in flight finish, then refuses connections', async () => {
    const server = listen(createApp({ routes }))
    const inFlight = fetch(`${server.url}/slow/7?ms=300`).then((res) => res.json())
    await sleep(50)
    await server.close()
    expect(await inFlight).toEqual({ n: '7' })
    await expect(fetch(`${server.url}/slow/8`)).rejects.toThrow()
  })

  it('resolves close() once a function that never finishes is past its limit (504)', async () => {
    const never = pikkuSessionlessFunc<Record<string, never>, never>({ name: 'neverEnds', input: { type: 'object' }, func: () => new Promise<never>(() => {}) })
    const server = listen(createApp({ timeoutMs: 200, logger: { error: () => {}, warn: () => {} }, routes: [{ method: 'get', route: '/never', func: never, auth: false }] }))
    const inFlight = fetch(`${server.url}/never`)
    await sleep(50)
    const started = Date.now()
    await server.close()
    expect(Date.now() - started).toBeLessThan(2_000)
    expect((await inFlight).status).toBe(504)
  })

  it('lets the process exit once closed', () => {
    const script = `
      import { createApp, pikkuSessionlessFunc } from '@pikku/native'
      import { listen } from '@pikku/native/standalone'
      const hello = pikkuSessionlessFunc({ name: 'hello', input: {}, func: async () => ({ hello: 'world' }) })
      const server = listen(createApp({ routes: [{ method: 'get', route: '/hello', func: hello, auth: false }] }))
      const res = await fetch(server.url + '/hello')
      console.log(res.status, JSON.stringify(await res.json()))
      await server.close()
    `
    const root = join(__dirname, '..')
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', timeout: 15_000 })
    expect(child.stderr).toBe('')
    expect(child.stdout.trim()).toBe('200 {"hello":"world"}')
    expect(child.status).toBe(0) // not killed by the timeout: nothing kept Node alive
  })
})
