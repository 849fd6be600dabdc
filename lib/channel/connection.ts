import type { WebSocket } from 'ws'

import type { PikkuChannel, Session } from '../types.js'
import { SessionTracker } from '../user-session.js'
import type { Topics } from './topics.js'

/** The server's side of one open WebSocket: its session, its message queue and its limits. */
export class ChannelConnection {
  /** The connection's session: decoded at the upgrade, changed by `userSession.set()`. */
  readonly userSession: SessionTracker
  /** What functions get as `services.channel`: this connection, without its internals. */
  readonly channel: PikkuChannel
  /** Messages of this connection run one after another, in order. */
  queue: Promise<void> = Promise.resolve()
  /** Messages received and not yet answered, and their bytes. */
  waiting = 0
  waitingBytes = 0
  /** Messages received so far: the next one's `seq`. */
  received = 0
  /** `onConnect` refused the connection: nothing more of it runs. */
  refused = false

  constructor(
    id: string,
    name: string,
    params: Record<string, string>,
    session: Session | undefined,
    private readonly socket: WebSocket,
    private readonly topics: Topics<ChannelConnection>,
    private readonly maxBufferedBytes: number,
  ) {
    this.userSession = new SessionTracker(session)
    const connection = this
    this.channel = Object.freeze({
      id,
      name,
      params: Object.freeze({ ...params }),
      send: (data: unknown) => connection.sendText(JSON.stringify(data)),
      close: (code = 1000, reason?: string) => socket.close(code, reason),
      subscribe: (topic: string) => topics.subscribe(topic, connection),
      unsubscribe: (topic: string) => topics.unsubscribe(topic, connection),
      publish: (topic: string, data: unknown) => {
        const text = JSON.stringify(data)
        for (const other of topics.audience(topic, connection)) other.sendText(text)
      },
    })
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

  /** Leaves every topic (the socket closed). */
  leave(): void {
    this.topics.leaveAll(this)
  }
}
