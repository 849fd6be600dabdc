import type { WebSocket } from 'ws'

import type { PikkuChannel, Session } from '../types.js'
import { SessionTracker } from '../user-session.js'
import type { Topics } from './topics.js'

/** One open WebSocket of a channel, as functions see it (`PikkuChannel`). */
export class ChannelConnection implements PikkuChannel {
  /** The connection's session: decoded at the upgrade, changed by `userSession.set()`. */
  readonly userSession: SessionTracker
  /** Messages of this connection run one after another, in order. */
  queue: Promise<void> = Promise.resolve()
  /** Messages received and not yet answered. */
  waiting = 0

  constructor(
    readonly id: string,
    readonly name: string,
    readonly params: Record<string, string>,
    session: Session | undefined,
    private readonly socket: WebSocket,
    private readonly topics: Topics<ChannelConnection>,
    private readonly maxBufferedBytes: number,
  ) {
    this.userSession = new SessionTracker(session)
  }

  send(data: unknown): void {
    this.sendText(JSON.stringify(data))
  }

  /** Sends a text frame, unless the socket is gone; a client that does not read is dropped. */
  sendText(text: string): void {
    if (this.socket.readyState !== this.socket.OPEN) return
    if (this.socket.bufferedAmount + text.length > this.maxBufferedBytes) {
      // A slow reader must not hold server memory: it gets closed, the others carry on.
      this.socket.terminate()
      return
    }
    this.socket.send(text)
  }

  close(code = 1000, reason?: string): void {
    this.socket.close(code, reason)
  }

  subscribe(topic: string): void {
    this.topics.subscribe(topic, this)
  }

  unsubscribe(topic: string): void {
    this.topics.unsubscribe(topic, this)
  }

  publish(topic: string, data: unknown): void {
    const text = JSON.stringify(data)
    for (const other of this.topics.audience(topic, this)) other.sendText(text)
  }
}
