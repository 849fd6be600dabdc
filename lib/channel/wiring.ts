import type { AnyAPIFunction } from '../types.js'

/** A handler of channel messages: the function, or the function with its own `auth`. */
export type ChannelHandler<F extends AnyAPIFunction = AnyAPIFunction> = F | { func: F; auth?: boolean }

/** One WebSocket channel. */
export interface ChannelWiring {
  /** The channel's name (for messages and the generated client). */
  name: string
  /** The path of the upgrade request: `/ws/todos`, `/ws/rooms/:room`. */
  route: string
  /** Whether a session is required to connect (default true: 401 refuses the upgrade). */
  auth?: boolean
  /** Runs when a connection opens, with the route's params as data. */
  onConnect?: AnyAPIFunction
  /** Runs when a connection closes, with the route's params as data. */
  onDisconnect?: AnyAPIFunction
  /** Takes the messages no routed handler matches (the whole message as data). */
  onMessage?: ChannelHandler
  /**
   * Routed handlers, by one message key and its values: `{ action: { create: createTodo } }`
   * sends `{ "action": "create", "title": "…" }` to `createTodo` with `{ title: "…" }`.
   */
  onMessageWiring?: Record<string, Record<string, ChannelHandler>>
  /**
   * How replies look (default `'pikku'`): `{ seq, action, data }` / `{ seq, action, error }`
   * for every message, the socket kept open on errors. `'reference'` answers as the reference
   * Pikku does, for clients written for it: the result with the routing key merged in
   * (`{ ...result, action }`), `{ error, errorName }` followed by closing the socket on an
   * error, and nothing for a message no handler takes.
   */
  replies?: 'pikku' | 'reference'
}

const channels: ChannelWiring[] = []

/**
 * Wires functions to a WebSocket channel. Each message is routed by its key, validated
 * against the handler's input schema by the engine, and answered on the socket with
 * `{ action, data }` (or `{ action, error }`). Serve the channels with `attachChannels`.
 *
 * ```ts
 * addChannel({ name: 'todos', route: '/ws/todos', auth: false, onMessageWiring: { action: { create: createTodo } } })
 * ```
 */
export function addChannel(wiring: ChannelWiring): void {
  const again = channels.findIndex((c) => c.name === wiring.name && c.route === wiring.route)
  if (again >= 0) channels[again] = wiring // the same module evaluated again
  else channels.push(wiring)
}

/** Alias of {@link addChannel}, in current Pikku's vocabulary. */
export const wireChannel = addChannel

/** The channels wired so far, in registration order. */
export function registeredChannels(): readonly ChannelWiring[] {
  return channels
}

/** A handler's function and `auth` (default: the channel's). */
export function handlerParts(handler: ChannelHandler, channelAuth: boolean): { func: AnyAPIFunction; auth: boolean } {
  return typeof handler === 'function' ? { func: handler, auth: channelAuth } : { func: handler.func, auth: handler.auth ?? channelAuth }
}
