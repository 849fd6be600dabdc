import { functionMeta } from '../functions.js'
import { PikkuStartupError, type StartupProblem } from '../startup-error.js'
import type { ChannelConfig, EngineConfig, EntryConfig } from '../generated/contract.js'
import type { AnyAPIFunction } from '../types.js'
import { handlerParts, type ChannelWiring } from './wiring.js'

/** The routing key of a channel that names none. */
export const DEFAULT_ROUTING_KEY = 'action'

/** A message handler as the engine's target index finds it. */
export interface HandlerTarget {
  func: AnyAPIFunction
  /** The channel's routing key. */
  key: string
  /** The routing key's value, or none for the channel's default handler. */
  value?: string
  /** What every reply of the handler carries after its `seq`, as JSON text: `,"action":"create"` (none for the default handler). */
  replyTag: string
}

/** What the app provides to plan channels. */
export interface ChannelPlanner {
  /**
   * The engine entry of a function; throws a `PikkuStartupError` when it needs a session
   * without auth, or has no input schema. `subject` names the use in its problems.
   */
  entryConfig(func: AnyAPIFunction, auth: boolean, subject: string, wiredName?: string): { entry: EntryConfig; inline?: unknown }
  /** The function the metadata names for a channel message, or the channel's other messages. */
  metadataFunction(channel: string, value: string | undefined): string | undefined
}

/**
 * The engine's channels, with an entry of its own for each message handler (so that its
 * schema is its own), into `config`; the handlers by target index into `handlers`. Every
 * handler must have an input schema: an unvalidated channel message is a start-up error.
 */
export function planChannels(
  wirings: readonly ChannelWiring[],
  config: EngineConfig,
  planner: ChannelPlanner,
  handlers: Map<number, HandlerTarget>,
  problems: StartupProblem[],
): ChannelConfig[] {
  return wirings.map((wiring) => {
    const auth = wiring.auth ?? true
    const keys = Object.keys(wiring.onMessageWiring ?? {})
    if (keys.length > 1) {
      problems.push({
        code: 'PIKKU_ERR_CHANNEL',
        subject: `channel \`${wiring.name}\``,
        message: `it routes messages by ${keys.map((k) => `\`${k}\``).join(' and ')}`,
        fix: 'route by one key',
      })
    }
    if (wiring.replies !== undefined && wiring.replies !== 'pikku' && wiring.replies !== 'reference') {
      problems.push({
        code: 'PIKKU_ERR_CHANNEL',
        subject: `channel \`${wiring.name}\``,
        message: `\`replies\` is ${JSON.stringify(wiring.replies)}`,
        fix: "use 'pikku' (the default) or 'reference'",
      })
    }
    const routingKey = keys[0] ?? DEFAULT_ROUTING_KEY
    const channel: ChannelConfig = { name: wiring.name, route: wiring.route, auth, routingKey, handlers: {} }
    const add = (func: AnyAPIFunction, handlerAuth: boolean, value?: string): number | undefined => {
      const what = value === undefined ? 'its other messages' : `\`${value}\``
      let planned: ReturnType<ChannelPlanner['entryConfig']>
      try {
        planned = planner.entryConfig(func, handlerAuth, `channel \`${wiring.name}\`, handler for ${what}`, planner.metadataFunction(wiring.name, value))
      } catch (error) {
        if (!(error instanceof PikkuStartupError)) throw error
        problems.push(...error.problems)
        return undefined
      }
      const { entry, inline } = planned
      if (inline !== undefined) {
        entry.inputSchema = `channel \`${wiring.name}\` ${what} input`
        config.schemas[entry.inputSchema] = inline
      }
      config.entries.push(entry)
      const index = config.entries.length - 1
      handlers.set(
        config.routes.length + index,
        value === undefined ? { func, key: routingKey, replyTag: '' } : { func, key: routingKey, value, replyTag: `,${JSON.stringify(routingKey)}:${JSON.stringify(value)}` },
      )
      return index
    }
    for (const [value, handler] of Object.entries(wiring.onMessageWiring?.[routingKey] ?? {})) {
      const parts = handlerParts(handler, auth)
      const index = add(parts.func, parts.auth, value)
      if (index !== undefined) channel.handlers[value] = index
    }
    if (wiring.onMessage) {
      const parts = handlerParts(wiring.onMessage, auth)
      const index = add(parts.func, parts.auth)
      if (index !== undefined) channel.defaultHandler = index
    }
    for (const [event, func] of [['onConnect', wiring.onConnect], ['onDisconnect', wiring.onDisconnect]] as const) {
      const meta = func && functionMeta(func)
      if (meta && !meta.sessionless && !auth) {
        problems.push({
          code: 'PIKKU_ERR_AUTH',
          subject: `channel \`${wiring.name}\``,
          message: `it has \`auth: false\` but its ${event} function needs a session (pikkuFunc)`,
          fix: 'define it with pikkuSessionlessFunc or drop `auth: false`',
        })
      }
    }
    return channel
  })
}
