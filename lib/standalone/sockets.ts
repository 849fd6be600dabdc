import type { ChannelHost, ChannelSocket, SocketEvents } from '../channel/host.js'
import { closeCodeAllowed, SENDABLE_CLOSE_CODES, type SocketEntry } from '../generated/standalone.js'
import type { HttpRequestLike } from '../http/answer.js'
import type { ServerEventStream } from '../http/event-stream.js'
import { HeaderBlock } from './header-block.js'
import type { Outbox } from './outbox.js'

/** A WebSocket's upgrade (`u`: call id, socket, url, headers), message, binary message or close. */
export type { SocketEntry } from '../generated/standalone.js'

/**
 * The standalone server's WebSockets, on JavaScript's side: upgrades are admitted by the
 * channel host (answered 101, or refused), each socket's events go to its connection, and what
 * it sends goes out through the outbox. Rust speaks the protocol and holds the transport's limits.
 */
export class StandaloneSockets {
  private readonly open = new Map<number, { socket: NativeSocket; events: SocketEvents }>()
  /** Event streams of `sse` routes, by the id the server gave their call. */
  private readonly streams = new Map<number, ServerEventStream>()
  /** Stream ids of calls not answered yet, and whether the server ended them (the client left). */
  private readonly pending = new Map<number, boolean>()

  constructor(
    private readonly channels: ChannelHost,
    private readonly outbox: Outbox,
  ) {}

  /** Takes one socket entry of a batch from the server. */
  take(entry: SocketEntry): void {
    switch (entry[0]) {
      case 'u':
        return this.upgrade(entry[1], entry[2], { method: 'GET', url: entry[3], headers: new HeaderBlock(entry[4]) })
      case 'm':
        return this.open.get(entry[1])?.events.message(entry[2])
      case 'b':
        return this.open.get(entry[1])?.events.binary()
      case 'c': {
        if (this.pending.has(entry[1])) return void this.pending.set(entry[1], true) // told when it is answered
        const stream = this.streams.get(entry[1])
        if (stream) {
          this.streams.delete(entry[1])
          return stream.gone()
        }
        const open = this.open.get(entry[1])
        if (!open) return
        this.open.delete(entry[1])
        open.socket.gone = true
        return open.events.closed()
      }
    }
  }

  /**
   * Sends an answered event stream's events to the server's stream `id` (`undefined`: the call
   * came without one, which the server gives every call that may stream).
   */
  stream(id: number | undefined, events: ServerEventStream): void {
    if (id === undefined) return events.gone()
    const ended = this.pending.get(id) === true
    this.pending.delete(id)
    if (ended) return events.gone()
    this.streams.set(id, events)
    const close = () => {
      if (this.streams.delete(id)) this.outbox.frame(id, '', 1000)
    }
    events.attach({ write: (text) => this.outbox.frame(id, wellFormed(text)), buffered: () => 0, end: close, destroy: close })
  }

  /** A call that may answer with a stream arrived: until it is answered, its end is remembered. */
  awaitStream(id: number): void {
    this.pending.set(id, false)
  }

  /** A call that may have streamed was answered without a stream. */
  answeredPlain(id: number): void {
    this.pending.delete(id)
  }

  /** Ends every event stream (the server is closing). */
  endStreams(): void {
    for (const events of [...this.streams.values()]) events.close()
  }

  private upgrade(id: number, socket: number, request: HttpRequestLike): void {
    void this.channels.admit(request).then((decided) => {
      if ('refused' in decided) return this.outbox.answer(id, decided.refused)
      // Open from here on: what `onConnect` sends at once waits in the socket's queue in Rust.
      const native = new NativeSocket(socket, this.outbox)
      this.open.set(socket, { socket: native, events: this.channels.open(native, decided.admitted) })
      this.outbox.answer(id, { status: 101, headers: undefined, body: undefined })
    })
  }
}

/** One socket of the standalone server as the channel host sees it. */
class NativeSocket implements ChannelSocket {
  /** The server reported it closed. */
  gone = false
  private closing = false

  constructor(
    private readonly id: number,
    private readonly outbox: Outbox,
  ) {}

  get isOpen(): boolean {
    return !this.closing && !this.gone
  }

  send(text: string): void {
    this.outbox.frame(this.id, text)
  }

  close(code: number, reason = ''): void {
    if (!closeCodeAllowed(code)) throw new RangeError(`PIKKU_ERR_CHANNEL: ${String(code)} is not a close code a server may send (${SENDABLE_CLOSE_CODES})`)
    if (this.closing || this.gone) return
    this.closing = true
    this.outbox.frame(this.id, wellFormed(reason), code)
  }
}

/** `text` with each lone surrogate replaced by U+FFFD (as UTF-8 would carry it). */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
}
