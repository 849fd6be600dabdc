import type { AnswerEntry, FrameEntry } from '../generated/standalone.js'
import { JSON_TYPE, internalErrorAnswer, type HttpAnswer } from '../http/answer.js'
import { serverRespond, serverSend, type ServerHandle } from '../native.js'
import type { Logger } from '../types.js'

/** What goes back at once when its texts reach this many UTF-16 units. */
const SEND_AT_UNITS = 16 * 1024 * 1024

/**
 * What JavaScript sends back to the standalone server — answers to calls, and frames for
 * WebSockets — gathered over one turn of the event loop and sent together: one native call per
 * kind, and one wake of the server's threads, for all of it. Texts travel apart from the JSON
 * that describes them, joined as they are, so that neither side escapes them.
 */
export class Outbox {
  private answers = ''
  private bodies = ''
  private frames = ''
  private texts = ''
  private flushQueued = false

  constructor(
    private readonly server: ServerHandle,
    private readonly logger: Logger,
  ) {}

  /** Answers call `id`. */
  answer(id: number, result: HttpAnswer): void {
    let entry: string
    let body: string | undefined
    try {
      const flat = result.headers ? flatHeaders(result.headers) : []
      body = result.body
      // A status or body of the wrong type goes as status 0: the server answers it 500.
      const status = Number.isInteger(result.status) && (body === undefined || typeof body === 'string') ? result.status : 0
      entry = answerEntry(id, status, flat, typeof body === 'string' ? body.length : null)
    } catch {
      const last = internalErrorAnswer()
      body = last.body!
      entry = answerEntry(id, last.status, [], body.length)
    }
    // Bodies are JSON from `JSON.stringify`, which escapes lone surrogates: joined, no two
    // bodies can pair into one character across their boundary, so the lengths cut them whole.
    if (typeof body === 'string') this.bodies += body
    this.answers = this.answers === '' ? entry : `${this.answers},${entry}`
    this.queued(this.bodies.length)
  }

  /**
   * A text message for `socket`, or with `closeCode` a close whose reason is `text`. Texts
   * must be well-formed (JSON from `JSON.stringify` is), so that the lengths cut them whole.
   */
  frame(socket: number, text: string, closeCode?: number): void {
    const entry = frameEntry(socket, text.length, closeCode)
    this.texts += text
    this.frames = this.frames === '' ? entry : `${this.frames},${entry}`
    this.queued(this.texts.length)
  }

  private queued(units: number): void {
    if (!this.flushQueued) {
      this.flushQueued = true
      setImmediate(() => this.flush())
    }
    // Far below the longest string V8 can build: a turn that settles a great deal is sent in parts.
    if (units > SEND_AT_UNITS) this.flush()
  }

  /** Sends what was gathered, now. */
  flush(): void {
    this.flushQueued = false
    if (this.answers !== '') {
      const [batch, bodies] = [`[${this.answers}]`, this.bodies]
      this.answers = ''
      this.bodies = ''
      this.hand('answers', () => serverRespond(this.server, batch, bodies))
    }
    if (this.frames !== '') {
      const [batch, texts] = [`[${this.frames}]`, this.texts]
      this.frames = ''
      this.texts = ''
      this.hand('socket frames', () => serverSend(this.server, batch, texts))
    }
  }

  /** Hands a batch to the server; a batch it refuses is a bug of ours, logged. */
  private hand(what: string, send: () => void): void {
    try {
      send()
    } catch (error) {
      this.logger.error(`pikku: the standalone server refused a batch of ${what}`, error)
    }
  }
}

/**
 * An `AnswerEntry` (generated from crates/pikku-server/src/batch.rs) as JSON text, written by
 * hand: no array is built for it.
 */
export function answerEntry(...[id, status, headers, length]: AnswerEntry): string {
  return `[${id},${status},${headers.length === 0 ? '[]' : JSON.stringify(headers)},${length === null ? 'null' : length}]`
}

/** A `FrameEntry` (generated from crates/pikku-server/src/batch.rs) as JSON text, written by hand. */
export function frameEntry(...[socket, length, closeCode]: FrameEntry): string {
  return closeCode === undefined ? `[${socket},${length}]` : `[${socket},${length},${closeCode}]`
}

/**
 * `[name, value, name, value, …]`, a repeated header once per value; the JSON content type is
 * left out (the server sends a body without one as JSON).
 */
function flatHeaders(headers: Record<string, string | string[]>): string[] {
  const flat: string[] = []
  for (const name in headers) {
    const value = headers[name]!
    if (name === 'content-type' && value === JSON_TYPE) continue
    if (Array.isArray(value)) for (const one of value) flat.push(name, one)
    else flat.push(name, value)
  }
  return flat
}
