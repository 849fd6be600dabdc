// Uploads through real HTTP on 127.0.0.1 behind every adapter that streams request bodies:
// multipart forms and `application/octet-stream` bodies streamed to temporary files within
// the route's limits — a 1 GB stream refused at the limit without being read, a file count
// limit, a `__proto__` field — the text fields validated by the function's schema.
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createApp, PikkuStartupError, pikkuSessionlessFunc, uploadedFiles, type PikkuApp } from '@pikku/native'
import { createHttpHandler } from '@pikku/native/lambda'
import { listen as listenStandalone } from '@pikku/native/standalone'

import { serve, type AdapterKind, type Running } from './helpers/servers.js'

const ADAPTERS: AdapterKind[] = ['node-http', 'express', 'express+json', 'fastify', 'fastify-lifecycle', 'fetch', 'next']

const saveDoc = pikkuSessionlessFunc({
  name: 'uploadSaveDoc',
  input: { type: 'object', properties: { title: { type: 'string', minLength: 1 }, pages: { type: 'integer' } }, required: ['title'], additionalProperties: false },
  func: async (services, data: { title: string; pages?: number }) => {
    const files = await Promise.all(
      uploadedFiles(services).map(async (file) => ({ field: file.field, filename: file.filename, mimeType: file.mimeType, size: file.size, text: (await file.bytes()).toString() })),
    )
    return { ...data, files }
  },
})

const saveBlob = pikkuSessionlessFunc({
  name: 'uploadSaveBlob',
  input: { type: 'object', additionalProperties: false },
  func: async (services) => {
    const [blob] = uploadedFiles(services)
    return { field: blob!.field, size: blob!.size, mimeType: blob!.mimeType }
  },
})

const echo = pikkuSessionlessFunc({ name: 'uploadEcho', input: { type: 'object' }, func: async (_services, data) => data })

const makeApp = (): PikkuApp =>
  createApp({
    routes: [
      { method: 'post', route: '/docs', func: saveDoc, auth: false, upload: { fileFields: ['doc'], maxFiles: 2, maxFileBytes: 1024 * 1024, maxFields: 5 } },
      { method: 'post', route: '/blobs', func: saveBlob, auth: false, upload: { maxFileBytes: 1024 * 1024 } },
      { method: 'post', route: '/echo', func: echo, auth: false },
    ],
    channels: [],
    logger: { error: () => {} },
  })

const form = (parts: [string, string | Blob, string?][]) => {
  const body = new FormData()
  for (const [name, value, filename] of parts) {
    if (typeof value === 'string') body.append(name, value)
    else body.append(name, value, filename)
  }
  return body
}

const uploadDirs = () => readdirSync(tmpdir()).filter((name) => name.startsWith('pikku-upload-')).length

describe.each(ADAPTERS)('uploads behind %s', (kind) => {
  let server: Running
  beforeAll(async () => {
    server = await serve(kind, makeApp())
  })
  afterAll(() => server?.close())

  const post = (path: string, body: BodyInit, headers: Record<string, string> = {}) => fetch(`${server.url}${path}`, { method: 'POST', body, headers })

  it('hands the files to the function and validates the fields with its schema', async () => {
    const before = uploadDirs()
    const res = await post('/docs', form([['title', 'Report'], ['pages', '3'], ['doc', new Blob(['first file']), 'a.txt'], ['doc', new Blob(['second'], { type: 'text/csv' }), 'b.csv']]))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      title: 'Report',
      pages: 3,
      files: [
        { field: 'doc', filename: 'a.txt', mimeType: 'application/octet-stream', size: 10, text: 'first file' },
        { field: 'doc', filename: 'b.csv', mimeType: 'text/csv', size: 6, text: 'second' },
      ],
    })
    expect(uploadDirs()).toBe(before) // the temporary files are gone
  })

  it('refuses invalid fields with 422 and removes the files', async () => {
    const before = uploadDirs()
    const res = await post('/docs', form([['title', ''], ['doc', new Blob(['x']), 'a.txt']]))
    expect(res.status).toBe(422)
    expect(await res.json()).toMatchObject({ name: 'UnprocessableContentError' })
    expect(uploadDirs()).toBe(before)
  })

  it('refuses a file over the count limit, and one in a field it does not take', async () => {
    const three = await post('/docs', form([['title', 'x'], ['doc', new Blob(['1']), '1'], ['doc', new Blob(['2']), '2'], ['doc', new Blob(['3']), '3']]))
    expect(three.status).toBe(413)
    expect(await three.json()).toMatchObject({ name: 'PayloadTooLargeError', message: 'The upload has more than 2 files' })
    const other = await post('/docs', form([['title', 'x'], ['photo', new Blob(['1']), '1.jpg']]))
    expect(other.status).toBe(400)
    expect((await other.json()).message).toMatch(/file in field `photo`; this route takes files in `doc`/)
  })

  it('refuses a `__proto__` field as any `__proto__` key of an input: 400, nothing polluted', async () => {
    const res = await post('/docs', form([['title', 'x'], ['__proto__', 'polluted'], ['__proto__[polluted]', 'yes']]))
    expect(res.status).toBe(400)
    expect((await res.json()).message).toMatch(/Input key `__proto__` at \/__proto__ in the body is not allowed/)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })

  it('takes an application/octet-stream body as one file', async () => {
    const res = await post('/blobs', new Uint8Array(100_000), { 'content-type': 'application/octet-stream' })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ field: 'body', size: 100_000, mimeType: 'application/octet-stream' })
  })

  it('refuses a body of another type on an upload route with 415, and a form on another route', async () => {
    const json = await post('/docs', JSON.stringify({ title: 'x' }), { 'content-type': 'application/json' })
    expect(json.status).toBe(415)
    const elsewhere = await post('/echo', form([['a', 'b']]))
    expect(elsewhere.status).toBe(415)
  })

  it('removes the files of an upload whose client goes away midway, and answers nothing', async () => {
    const before = uploadDirs()
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1')
    const boundary = 'xBOUNDARYx'
    socket.write(`POST /docs HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: multipart/form-data; boundary=${boundary}\r\ntransfer-encoding: chunked\r\n\r\n`)
    const part = `--${boundary}\r\ncontent-disposition: form-data; name="doc"; filename="a.bin"\r\n\r\n${'z'.repeat(200_000)}`
    socket.write(`${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`)
    await new Promise((resolve) => setTimeout(resolve, 200))
    socket.destroy()
    for (let i = 0; i < 100 && uploadDirs() !== before; i++) await new Promise((resolve) => setTimeout(resolve, 20))
    expect(uploadDirs()).toBe(before)
  })

  it('refuses a declared length over the limits before reading it', async () => {
    const res = await rawUpload(server.url, '/blobs', { 'content-length': String(1024 ** 3) }, 0)
    expect(res.status).toBe(413)
  })

  it('refuses a 1 GB stream at the limit without reading the rest', async () => {
    const before = uploadDirs()
    // Chunked, so that nothing says how long it is: the server counts.
    const res = await rawUpload(server.url, '/blobs', { 'transfer-encoding': 'chunked' }, 1024 ** 3)
    expect(res.status).toBe(413)
    expect(res.body).toMatch(/larger than 1048576 bytes/)
    // The server stopped reading near the limit: the client could not push the gigabyte.
    expect(res.sent).toBeLessThan(64 * 1024 * 1024)
    expect(uploadDirs()).toBe(before)
  })
})

/**
 * Sends an octet-stream upload over a raw socket, writing up to `bytes` of body while the
 * server takes them; resolves with the answer's status and body, and how much was sent.
 */
function rawUpload(url: string, path: string, headers: Record<string, string>, bytes: number): Promise<{ status: number; body: string; sent: number }> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1')
    const head = [`POST ${path} HTTP/1.1`, 'host: 127.0.0.1', 'content-type: application/octet-stream', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n')
    socket.write(`${head}\r\n\r\n`)
    const chunked = headers['transfer-encoding'] === 'chunked'
    const chunk = Buffer.alloc(64 * 1024)
    let sent = 0
    let answer = ''
    let stopped = false
    const pump = () => {
      while (!stopped && sent < bytes) {
        const frame = chunked ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]) : chunk
        sent += chunk.length
        if (!socket.write(frame)) return void socket.once('drain', pump)
      }
    }
    const finish = () => {
      stopped = true
      const status = Number(answer.slice(9, 12))
      if (!status) return reject(new Error(`no answer after ${sent} bytes: ${JSON.stringify(answer)}`))
      resolve({ status, body: answer.split('\r\n\r\n').slice(1).join('\r\n\r\n'), sent })
    }
    socket.on('data', (data) => {
      answer += String(data)
      if (/\r\n\r\n/.test(answer)) setTimeout(() => socket.destroy(), 50)
    })
    socket.on('close', finish)
    socket.on('error', () => socket.destroy())
    pump()
  })
}

describe('an upload route of a generated project', () => {
  // crates/pikku-codegen/tests/fixtures/uploads, with the metadata `pikku` wrote for it.
  const fixture = join(__dirname, '../crates/pikku-codegen/tests/fixtures/uploads')
  let server: Running
  beforeAll(async () => {
    const { attach } = await import('../crates/pikku-codegen/tests/fixtures/uploads/functions.js')
    const app = createApp({ metadata: join(fixture, 'expected.json'), routes: [{ method: 'post', route: '/attachments', func: attach, auth: false, upload: { fileFields: ['file'], maxFiles: 3, maxFileBytes: 65536 } }], channels: [] })
    server = await serve('node-http', app)
  })
  afterAll(() => server?.close())

  it('reads the fields by the generated schema and hands over the files', async () => {
    const body = form([['title', 'Scan'], ['pages', '2'], ['file', new Blob(['abc']), 'a'], ['file', new Blob(['defg']), 'b']])
    const res = await fetch(`${server.url}/attachments`, { method: 'POST', body })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ title: 'Scan', pages: 2, sizes: [3, 4] })
    const bad = await fetch(`${server.url}/attachments`, { method: 'POST', body: form([['title', 'Scan'], ['pages', '0']]) })
    expect(bad.status).toBe(422)
  })
})

describe('upload wiring', () => {
  it('refuses to start an upload route on GET, or with a limit that is no whole number', () => {
    const start = (upload: object, method: 'get' | 'post' = 'post') => () => createApp({ routes: [{ method, route: '/u', func: saveBlob, auth: false, upload }], channels: [] })
    expect(start({}, 'get')).toThrow(/PIKKU_ERR_CONFIG: route `GET \/u`: it takes uploads, which come in a request body/)
    expect(start({ maxFiles: -1 })).toThrow(/`upload.maxFiles` of route `POST \/u`: it must be a whole number from 0, not -1/)
  })

  it('refuses the servers that cannot stream uploads yet: standalone and Lambda', () => {
    expect(() => listenStandalone(makeApp())).toThrow(PikkuStartupError)
    expect(() => listenStandalone(makeApp())).toThrow(/PIKKU_ERR_LISTEN: route `POST \/docs`: it takes uploads/)
    expect(() => createHttpHandler(makeApp())).toThrow(/PIKKU_ERR_LAMBDA: route `POST \/docs`: it takes uploads/)
  })
})
