// The typed client of a channel: runs in browsers and in Node (no addon), on any socket with
// `send`, `close` and `addEventListener('message')` — the browser's WebSocket or `ws`.

/** The socket a channel client needs. */
export interface WebSocketLike {
  send(data: string): void
  close(code?: number, reason?: string): void
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void
  addEventListener(type: 'close', listener: () => void): void
}

/** What the generated `Channels` map says of one channel. */
export interface ChannelShape {
  routingKey: string
  messages: Record<string, { input: unknown; output: unknown }>
}

/** The error body a channel sends back for a message it refused or a handler that threw. */
export interface ChannelErrorBody {
  name?: string
  message?: string
  payload?: unknown
  errorId?: string
}

/** A refused message, as `request()` rejects with it. */
export class PikkuChannelError extends Error {
  constructor(
    readonly action: string | undefined,
    readonly body: ChannelErrorBody,
  ) {
    super(body.message ?? body.name ?? 'Channel error')
    this.name = body.name ?? 'PikkuChannelError'
  }
}

type Action<C extends ChannelShape> = keyof C['messages'] & string

/**
 * A typed client of one channel (use the generated `pikkuChannel(name, socket)`):
 *
 * ```ts
 * const todos = pikkuChannel('todos', new WebSocket('ws://localhost:3000/ws/todos'))
 * const todo = await todos.request('create', { title: 'Milk' })   // typed input and reply
 * todos.on('create', (todo) => render(todo))
 * ```
 */
export class PikkuChannelClient<C extends ChannelShape> {
  private readonly listeners = new Map<string, Set<(data: unknown) => void>>()
  /** Requests waiting for their reply, by the `seq` the server gives it. */
  private readonly pending = new Map<number, { resolve(data: unknown): void; reject(error: unknown): void }>()
  private readonly others = new Set<(message: unknown) => void>()
  private readonly errors = new Set<(error: PikkuChannelError) => void>()
  /** Messages sent so far: the server numbers its replies the same way. */
  private sent = 0
  private closed = false

  constructor(
    readonly socket: WebSocketLike,
    readonly routingKey: C['routingKey'],
  ) {
    socket.addEventListener('message', (event) => this.receive(event.data))
    socket.addEventListener('close', () => {
      this.closed = true
      for (const [, waiting] of this.pending) waiting.reject(new PikkuChannelError(undefined, { name: 'ChannelClosedError', message: 'The channel closed before the reply came' }))
      this.pending.clear()
    })
  }

  /** Sends `data` to the handler of `action`; its reply goes to `on(action)` listeners. */
  send<A extends Action<C>>(action: A, data: C['messages'][A]['input']): void {
    this.transmit(action, data)
  }

  /**
   * Sends and waits for the reply to this very message (the server numbers its replies).
   * Rejects with `PikkuChannelError` when the channel refuses it, the handler throws or the
   * socket closes first.
   */
  request<A extends Action<C>>(action: A, data: C['messages'][A]['input']): Promise<C['messages'][A]['output']> {
    if (this.closed) return Promise.reject(new PikkuChannelError(action, { name: 'ChannelClosedError', message: 'The channel is closed' }))
    return new Promise((resolve, reject) => {
      this.pending.set(this.transmit(action, data), { resolve: resolve as (data: unknown) => void, reject })
    })
  }

  /** Calls `listener` with every reply of `action`. Returns a function that stops it. */
  on<A extends Action<C>>(action: A, listener: (data: C['messages'][A]['output']) => void): () => void {
    let set = this.listeners.get(action)
    if (!set) this.listeners.set(action, (set = new Set()))
    set.add(listener as (data: unknown) => void)
    return () => set.delete(listener as (data: unknown) => void)
  }

  /** Calls `listener` with error replies that no `request` waits for. */
  onError(listener: (error: PikkuChannelError) => void): () => void {
    this.errors.add(listener)
    return () => this.errors.delete(listener)
  }

  /** Calls `listener` with every other message (what functions `send` or `publish`). */
  onMessage(listener: (message: unknown) => void): () => void {
    this.others.add(listener)
    return () => this.others.delete(listener)
  }

  /** Closes the socket. */
  close(code?: number, reason?: string): void {
    this.socket.close(code, reason)
  }

  /** Sends one message; returns its `seq`. */
  private transmit(action: string, data: unknown): number {
    this.socket.send(JSON.stringify({ ...(data as object), [this.routingKey]: action }))
    return ++this.sent
  }

  private receive(raw: unknown): void {
    let message: unknown
    try {
      message = JSON.parse(typeof raw === 'string' ? raw : String(raw))
    } catch {
      return // not a message of ours
    }
    const record = typeof message === 'object' && message !== null && !Array.isArray(message) ? (message as Record<string, unknown>) : undefined
    if (!record || typeof record.seq !== 'number') {
      for (const listener of this.others) listener(message)
      return
    }
    const action = typeof record[this.routingKey] === 'string' ? (record[this.routingKey] as string) : undefined
    const waiting = this.pending.get(record.seq)
    this.pending.delete(record.seq)
    if (typeof record.error === 'object' && record.error !== null) {
      const error = new PikkuChannelError(action, record.error as ChannelErrorBody)
      if (waiting) waiting.reject(error)
      else for (const listener of this.errors) listener(error)
      return
    }
    waiting?.resolve(record.data)
    if (action !== undefined) for (const listener of this.listeners.get(action) ?? []) listener(record.data)
  }
}
