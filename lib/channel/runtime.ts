// Channels of one built app, apart from any transport: the upgrade decided by the engine and
// the session hook, each message routed and validated by the engine, then its handler run.

import { runInApp, type BuiltApp } from '../app/build.js'
import { errorAnswer, isErrorAnswer, type ErrorAnswer, type HttpAnswer, type HttpRequestLike, type WireAnswer } from '../http/answer.js'
import { answerForThrow, describeThrow, failureAnswer } from '../invoke.js'
import { channelConnect, channelMessage, channelSessionRequired } from '../native.js'
import type { AnyAPIFunction, InvocationContext, Session } from '../types.js'
import { enrichedSession } from '../user-session.js'
import { DEFAULT_ROUTING_KEY } from './plan.js'
import type { ChannelWiring } from './wiring.js'

/** An upgrade the app admits: the channel, its index, the route's params and the session. */
export interface ChannelAdmission {
  channel: ChannelWiring
  index: number
  params: Record<string, string>
  session: Session | undefined
}

/** The channel side of one built app. */
export class ChannelRuntime {
  constructor(private readonly app: BuiltApp) {}

  /** The largest message, by default: the app's body limit. */
  get maxMessageBytes(): number {
    return this.app.maxBodyBytes
  }

  /** Where the app logs. */
  get logger() {
    return this.app.env.logger
  }

  /** Whether the app has channels. */
  get any(): boolean {
    return this.app.channelWirings.length > 0
  }

  /**
   * The channel of a WebSocket upgrade request and its session: decoded by the engine as for
   * HTTP (plus `session.jwtQuery`), then the app's `enrichSession` hook, then the channel's
   * auth gate. Otherwise the HTTP answer that refuses the upgrade.
   */
  async connect(request: HttpRequestLike): Promise<ChannelAdmission | { refused: HttpAnswer }> {
    const { headers } = request
    const { engine, readsSessions, apiKeyHeader, enrichSession, env, channelWirings } = this.app
    const wire = JSON.parse(
      channelConnect(engine, {
        url: request.url,
        requestId: headers.get('x-request-id'),
        authorization: readsSessions ? headers.get('authorization') : undefined,
        cookie: readsSessions ? headers.get('cookie') : undefined,
        apiKey: apiKeyHeader === null ? undefined : headers.get(apiKeyHeader),
        hasSession: enrichSession !== undefined, // the hook decides on a missing session
      }),
    ) as WireAnswer
    if (isErrorAnswer(wire)) return { refused: errorAnswer(wire) }
    const channel = channelWirings[wire[0]]!
    let session = wire[2] as Session | undefined
    if (enrichSession) {
      try {
        session = await enrichedSession(enrichSession, session, request, env.singletonServices)
      } catch (error) {
        return { refused: answerForThrow(env, error, headers.get('x-request-id')) }
      }
      if ((channel.auth ?? true) && session === undefined) {
        // The engine's own 401 for the channel.
        return { refused: errorAnswer(JSON.parse(channelSessionRequired(engine, wire[0], headers.get('x-request-id'))) as ErrorAnswer) }
      }
    }
    return { channel, index: wire[0], params: wire[1] as Record<string, string>, session }
  }

  /**
   * Runs message number `seq` of a connection to channel `index`: routed and validated by the
   * engine, then permissions and the handler. Every message gets one reply, which carries its
   * `seq`: `{ seq, action, data }` (`data: null` when the handler returned nothing) or
   * `{ seq, action, error }`.
   */
  async message(index: number, seq: number, text: string, context: InvocationContext & { channel: NonNullable<InvocationContext['channel']> }): Promise<string | ReferenceReply> {
    const session = context.userSession.get()
    const wire = JSON.parse(channelMessage(this.app.engine, index, text, session !== undefined)) as WireAnswer
    if (this.app.channelWirings[index]?.replies === 'reference') return this.referenceReply(index, wire, session, context)
    if (isErrorAnswer(wire)) {
      return JSON.stringify({ seq, ...routedValue(text, this.app.routingKeys[index] ?? DEFAULT_ROUTING_KEY), error: wire[1] })
    }
    const handler = this.app.handlers.get(wire[0])!
    // The reply as text around the result's JSON: an object made by spreading a tag sends
    // `JSON.stringify` down its slow path (3× the time of the whole reply, measured).
    const head = `{"seq":${seq}${handler.replyTag}`
    try {
      const result = await runInApp(this.app, handler.func, wire[1], session, context, this.app.env.timeoutMs)
      return `${head},"data":${JSON.stringify(result ?? null) ?? 'null'}}`
    } catch (error) {
      return `${head},"error":${JSON.stringify(this.errorBody(error))}}`
    }
  }

  /**
   * A message's reply as the reference Pikku gives it: the result with the routing key merged
   * in, `{ error, errorName }` and a close on an error, nothing for a message no handler takes.
   */
  private async referenceReply(index: number, wire: WireAnswer, session: Session | undefined, context: InvocationContext): Promise<ReferenceReply> {
    if (isErrorAnswer(wire)) {
      if (wire[1].name === 'NotFoundError') return {} // no handler takes it
      return referenceError(wire[1].name, wire[1].message, -wire[0])
    }
    const handler = this.app.handlers.get(wire[0])!
    try {
      const result = await runInApp(this.app, handler.func, wire[1], session, context, this.app.env.timeoutMs)
      const routed = handler.value === undefined ? result : { ...(result as object), [handler.key]: handler.value }
      return { text: JSON.stringify(routed ?? null) ?? 'null' }
    } catch (error) {
      const { status, body } = describeThrow(this.app.env, error, undefined)
      return referenceError('name' in body ? body.name : 'InternalServerError', body.message ?? 'Internal server error', status)
    }
  }

  /**
   * Runs a channel's lifecycle function (`onConnect`, `onDisconnect`) with the route's params.
   * What it throws is rethrown (an `onConnect` throw refuses the connection).
   */
  async event(func: AnyAPIFunction, params: Record<string, string>, context: InvocationContext): Promise<void> {
    await runInApp(this.app, func, params, context.userSession.get(), context)
  }

  /** The error body for a thrown value, through the error table (unknown throws are logged). */
  errorBody(error: unknown): ReturnType<typeof describeThrow>['body'] {
    return describeThrow(this.app.env, error, undefined).body
  }

  /** The HTTP answer that refuses an upgrade for a failure outside any function. */
  failure(error: unknown, request: HttpRequestLike): HttpAnswer {
    return failureAnswer(this.app.env, error, request)
  }
}

/** A reply in the reference's format: its text (none: nothing is sent), and a close after it. */
export interface ReferenceReply {
  text?: string
  close?: { code: number; reason: string }
}

/** `{ error, errorName }`, then the socket closed: 1008 for the client's mistake, 1011 for the server's. */
function referenceError(name: string, message: string | undefined, status: number): ReferenceReply {
  return { text: JSON.stringify({ error: message ?? name, errorName: name }), close: { code: status >= 500 ? 1011 : 1008, reason: name } }
}

/** The routing key and value of a message that failed, when it has them (for the reply). */
function routedValue(text: string, key: string): Record<string, string> {
  try {
    const value = (JSON.parse(text) as Record<string, unknown>)[key]
    return typeof value === 'string' ? { [key]: value } : {}
  } catch {
    return {}
  }
}
