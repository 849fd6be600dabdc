import type { PikkuChannel, Session } from '../types.js'
import { SessionTracker } from '../user-session.js'
import type { ChannelSocket } from './host.js'
import type { Topics } from './topics.js'

/** The server's side of one open WebSocket: its session, its message queue and its topics. */
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
  /** The `seq` of each message owed its reply. */
  readonly unanswered = new Set<number>()
  /** `onConnect` refused the connection: nothing more of it runs. */
  refused = false

  constructor(
    id: string,
    name: string,
    params: Record<string, string>,
    session: Session | undefined,
    private readonly socket: ChannelSocket,
    private readonly topics: Topics<ChannelConnection>,
    /** Sends a broadcast to the app's other processes (with a broker). */
    broadcast?: (topic: string, text: string) => void,
  ) {
    this.userSession = new SessionTracker(session)
    const connection = this
    this.channel = Object.freeze({
      id,
      name,
      params: Object.freeze({ ...params }),
      send: (data: unknown) => connection.sendText(json(data)),
      close: (code = 1000, reason?: string) => socket.close(code, reason),
      subscribe: (topic: string) => topics.subscribe(topic, connection),
      unsubscribe: (topic: string) => topics.unsubscribe(topic, connection),
      publish: (topic: string, data: unknown) => {
        const text = json(data)
        for (const other of topics.audience(topic, connection)) other.sendText(text)
        broadcast?.(topic, text)
      },
    })
  }

  /**
   * Sends message `seq`'s reply, unless it was sent already (a close gave it an error reply);
   * `undefined`: the message is settled without one.
   */
  reply(seq: number, text: string | undefined): void {
    if (this.unanswered.delete(seq) && text !== undefined) this.sendText(text)
  }

  /** Sends a text frame, unless the socket is closing or gone. */
  sendText(text: string): void {
    if (this.socket.isOpen) this.socket.send(text)
  }

  /** Leaves every topic (the socket closed). */
  leave(): void {
    this.topics.leaveAll(this)
  }
}

/** `data` as JSON text; `undefined` (which has none) as `null`, so every frame is JSON. */
function json(data: unknown): string {
  return JSON.stringify(data) ?? 'null'
}
