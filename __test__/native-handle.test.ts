// The engine's per-request call at the N-API boundary (a plain N-API callback, see
// src/fast_handle.rs): its arguments as the adapters pass them, and as they should not.
import { setImmediate as nextTurn } from 'node:timers/promises'
import { setFlagsFromString } from 'node:v8'
import { createRequire } from 'node:module'
import { runInNewContext } from 'node:vm'

import { describe, expect, it } from 'vitest'

import { createApp, pikkuSessionlessFunc } from '@pikku/native'

import { createEngine, createScheduler, handlerFor, ownerFor } from '../index.js'

// The app's inner parts, reached as the adapters reach them (the module instance Node loaded).
const { portOf } = createRequire(__filename)('../dist/app/port.js') as typeof import('../dist/app/port.js')
/** The engine of an app. */
const engineOf = (app: ReturnType<typeof createApp>) => portOf(app).built.engine

const echo = pikkuSessionlessFunc({
  input: { type: 'object', properties: { id: { type: 'integer' }, note: { type: 'string' } }, additionalProperties: true },
  func: async (_services, data) => data,
})
const ping = pikkuSessionlessFunc({ input: {}, func: async () => 'pong' })
const app = createApp({
  routes: [
    { method: 'post', route: '/echo/:id', func: echo, auth: false },
    { method: 'get', route: '/ping', func: ping, auth: false },
  ],
})
const JSON_TYPE = 'application/json'
const handle = handlerFor(engineOf(app))

const call = (url: string, body: Uint8Array, contentType: string | undefined = JSON_TYPE, requestId?: string) => {
  const answer = handle('POST', url, body, false, contentType, false, requestId)
  if (typeof answer !== 'string') throw new Error(`expected JSON text, got ${answer}`)
  return JSON.parse(answer) as [number, unknown]
}

describe('the engine call', () => {
  it('is bound to one engine, which it keeps as a property that cannot be changed', () => {
    const other = createApp({ routes: [{ method: 'get', route: '/other', func: ping, auth: false }] })
    const otherHandle = handlerFor(engineOf(other))
    expect(otherHandle('GET', '/other')).toBe(0)
    expect(JSON.parse(otherHandle('GET', '/ping') as string)[0]).toBe(-404)
    expect(handle('GET', '/ping')).toBe(1)
    expect(handle.engine).toBe(engineOf(app))
    const kept = handle as unknown as { engine?: unknown }
    expect(() => delete kept.engine).toThrow(TypeError)
    expect(() => (kept.engine = engineOf(other))).toThrow(TypeError)
    expect(() => Object.defineProperty(handle, 'engine', { value: engineOf(other) })).toThrow(TypeError)
    expect(handle('GET', '/ping')).toBe(1)
    // `this` plays no part: the engine is the function's own.
    expect(handle.call({ engine: engineOf(other) }, 'GET', '/ping')).toBe(1)
    const bindTo = handlerFor as (engine?: unknown) => unknown
    for (const notEngine of [{}, 1, undefined, createScheduler('[]')]) expect(() => bindTo(notEngine)).toThrow(/the argument is not the engine/)
  })

  it('keeps its engine alive when nothing else refers to it', async () => {
    setFlagsFromString('--expose-gc')
    const gc = runInNewContext('gc') as () => void
    const config = portOf(createApp({ routes: [{ method: 'get', route: '/only', func: ping, auth: false }] })).built.engineConfig
    const alone = handlerFor(createEngine(config))
    for (let round = 0; round < 5; round++) {
      gc()
      await nextTurn()
      // Allocations that would reuse a freed engine's memory.
      createApp({ routes: [{ method: 'get', route: `/filler/${round}`, func: ping, auth: false }] })
    }
    expect(alone('GET', '/only')).toBe(0)
    expect(JSON.parse(alone('GET', '/filler/0') as string)[0]).toBe(-404)
  })

  it('answers a run with no input and no session as its bare target, anything else as JSON text', () => {
    const get = (url: string) => handle('GET', url)
    expect(get('/ping')).toBe(1)
    expect(JSON.parse(get('/ping?x=1') as string)).toEqual([1, { x: '1' }])
    expect(JSON.parse(get('/nowhere') as string)[0]).toBe(-404)
    expect(call('/echo/5', new Uint8Array(0))).toEqual([0, { id: 5 }])
  })

  it('reads a Buffer that is a slice of a larger one from its own offset', () => {
    const whole = Buffer.from('xxxx{"note":"sliced"}yyyy')
    const body = whole.subarray(4, whole.length - 4)
    expect(call('/echo/1', body)).toEqual([0, { id: 1, note: 'sliced' }])
    expect(call('/echo/1', new Uint8Array(0))).toEqual([0, { id: 1 }])
  })

  it('reads strings longer than its stack buffer, and text beyond ASCII', () => {
    const note = 'ü'.repeat(3000) // 6000 bytes of UTF-8
    expect(call('/echo/2', Buffer.from(JSON.stringify({ note })))).toEqual([0, { id: 2, note }])
    const long = `/echo/3?note=${'n'.repeat(5000)}`
    expect(call(long, new Uint8Array(0))).toEqual([0, { id: 3, note: 'n'.repeat(5000) }])
    const missing = call(`/${'m'.repeat(1500)}`, new Uint8Array(0), 'text/plain; charset=utf-8', 'request-7')
    expect(missing[0]).toBe(-404)
    expect(missing[1]).toMatchObject({ errorId: 'request-7', message: expect.stringContaining('m'.repeat(1500)) })
  })

  it('reads short text beyond ASCII and beyond Latin-1 whole', () => {
    // 'Ł' is U+0141 and '☃' U+2603: cut to one byte each, they would read as 'A' and U+0003.
    for (const note of ['é', 'Ł', '☃', 'aŁb']) {
      expect(call(`/echo/5?note=${note}`, new Uint8Array(0))).toEqual([0, { id: 5, note }])
      expect(call('/echo/5', Buffer.from('{}'), `application/json; x=${note}`)).toEqual([0, { id: 5 }])
    }
    const pathNote = handle('GET', '/Ł')
    expect(JSON.parse(pathNote as string)[1]).toMatchObject({ message: expect.stringContaining('/Ł') })
  })

  it('reads a string whose last character would straddle the end of its stack buffer', () => {
    // 'ü' is two bytes: around 1 KB of them behind a prefix of either parity, one length puts a
    // character across the buffer's last byte.
    for (const lead of ['', 'a']) {
      for (let count = 495; count <= 515; count++) {
        const note = lead + 'ü'.repeat(count)
        expect(call(`/echo/4?note=${note}`, new Uint8Array(0))).toEqual([0, { id: 4, note }])
      }
    }
  })

  it('throws a TypeError for arguments of the wrong type, naming what it expected', () => {
    const args = ['POST', '/echo/1', new Uint8Array(0), false, JSON_TYPE, false, undefined, undefined, undefined, undefined]
    const bad = (index: number, value: unknown) => () => (handle as (...a: unknown[]) => string)(...args.map((arg, i) => (i === index ? value : arg)))
    expect(bad(0, 7)).toThrow(/method and url must be strings/)
    expect(bad(4, 7)).toThrow(/headers strings or undefined/)
    expect(bad(7, {})).toThrow(/headers strings or undefined/)
    expect(bad(2, 'body')).toThrow(/body must be a Uint8Array/)
    // Other views of bytes are refused too, rather than read as something they are not.
    for (const view of [new Int8Array(2), new Uint8ClampedArray(2), new DataView(new ArrayBuffer(2)), new Uint16Array(1)]) {
      expect(bad(2, view)).toThrow(TypeError)
    }
    expect(bad(5, 'yes')).toThrow(/bodyTooLarge and hasSession booleans/)
    expect(bad(3, 1)).toThrow(/bodyTooLarge and hasSession booleans/)
    expect(() => (handle as (...a: unknown[]) => string)('GET')).toThrow(/expected a method and a url/)
    expect(() => (handle as (...a: unknown[]) => string)(null, '/ping')).toThrow(/method and url must be strings/)
    expect(() => (handle as (...a: unknown[]) => string)('GET', undefined)).toThrow(/method and url must be strings/)
    // Arguments past the tenth are not read.
    expect((handle as (...a: unknown[]) => unknown)('GET', '/ping', undefined, false, undefined, false, undefined, undefined, undefined, undefined, 'extra')).toBe(1)
  })

  it('reads a body whose memory was transferred away as empty', () => {
    const memory = new ArrayBuffer(16)
    const body = new Uint8Array(memory)
    body.set(Buffer.from('{"note":"gone"}'))
    structuredClone(memory, { transfer: [memory] })
    expect(body.length).toBe(0)
    expect(call('/echo/6', body)).toEqual([0, { id: 6 }])
  })

  it('answers a URL with a lone surrogate or a NUL with a 404, and keeps serving', () => {
    for (const url of ['/\uD800', '/a\u0000b', '/ping\uDC00']) {
      expect(JSON.parse(handle('GET', url) as string)[0]).toBe(-404)
    }
    expect(handle('GET', '/ping')).toBe(1)
  })

  it('reads arguments left out, undefined or null as absent', () => {
    const body = Buffer.from('{"note":"x"}')
    expect(JSON.parse(handle('POST', '/echo/8', body, undefined, JSON_TYPE) as string)).toEqual([0, { id: 8, note: 'x' }])
    expect(JSON.parse(handle('POST', '/echo/8', null, null, null, null, null) as string)).toEqual([0, { id: 8 }])
    expect(handle('GET', '/ping', undefined, false)).toBe(1)
    // A body left out is no body: the size check and content type do not apply.
    expect(JSON.parse(handle('POST', '/echo/9') as string)).toEqual([0, { id: 9 }])
  })
})

describe('the ownership check (ownerFor)', () => {
  const owns = ownerFor(engineOf(app))

  it('says whether a route matches the path for some method, whatever the query, dot segments or method', () => {
    expect(owns('/ping')).toBe(true)
    expect(owns('/echo/1?x=1')).toBe(true) // POST only: still the app's (it answers 405 to GET)
    expect(owns('/a/../ping')).toBe(true)
    expect(owns('/pong')).toBe(false)
    expect(owns('/echo')).toBe(false)
    expect(owns('/p\u0000ing')).toBe(false)
    expect(owns('/' + 'x'.repeat(5000))).toBe(false) // past its stack buffer
    expect(owns.engine).toBe(engineOf(app))
  })

  it('refuses what is not the engine, and a url that is not a string', () => {
    expect(() => ownerFor({} as never)).toThrow(/ownerFor: the argument is not the engine/)
    expect(() => (owns as (...a: unknown[]) => boolean)()).toThrow(/owns: the url must be a string/)
    expect(() => (owns as (...a: unknown[]) => boolean)(7)).toThrow(/owns: the url must be a string/)
  })
})
