import type { ErrorAnswer, WireAnswer } from '../generated/boundary.js'
import { ERROR_TABLE } from '../generated/error-table.js'
import type { ServerEventStream } from './event-stream.js'

/** What an adapter writes back: a status, headers and a JSON body (or none). */
export interface HttpAnswer {
  status: number
  /** Lower-case names; `set-cookie` may hold several values. */
  headers: Record<string, string | string[]> | undefined
  body: string | undefined
  /** True when no route matches the path (Express then calls `next()`). */
  unmatched?: boolean
  /** True when a header value has characters above 0x7F: each goes out as one byte (Latin-1). */
  latin1Headers?: boolean
  /** An event stream's head: `body` is empty, the events follow through `stream.attach`. */
  stream?: ServerEventStream
}

/** The request as an adapter hands it to the app. */
export interface HttpRequestLike {
  method: string
  /** Path and query: `/todos/1?full=true`. */
  url: string
  headers: { get(name: string): string | undefined }
}

/**
 * The engine's answer, parsed: `[target, input, session?]` (a `RunAnswer`) or `[-status,
 * errorBody, allow?]` (an `ErrorAnswer`). Generated from crates/pikku-engine/src/boundary.rs.
 */
export type { ErrorAnswer, RunAnswer, WireAnswer } from '../generated/boundary.js'

/** Whether the engine answered with an error (its first element is minus the status). */
export function isErrorAnswer(wire: WireAnswer): wire is ErrorAnswer {
  return wire[0] < 0
}

/** The engine found no session for a route that needs one: the session hook may supply one. */
export function isMissingSession(wire: WireAnswer): boolean {
  // Typed: `name` is one of the error table's, so a name not in it does not compile.
  return isErrorAnswer(wire) && wire[0] === -ERROR_TABLE.MissingSessionError.status && wire[1].name === 'MissingSessionError'
}

/** The HTTP answer for an engine error. */
export function errorAnswer(wire: ErrorAnswer): HttpAnswer {
  const status = -wire[0]
  const headers: Record<string, string> = { 'content-type': JSON_TYPE }
  if (wire[2] !== undefined) headers.allow = wire[2]
  if (status === 413) headers.connection = 'close'
  return { status, headers, body: JSON.stringify(wire[1]), unmatched: status === 404 }
}

export const JSON_TYPE = 'application/json; charset=utf-8'

/** The last resort: a 500 for a failure that cannot even be described. */
export function internalErrorAnswer(): HttpAnswer {
  return { status: 500, headers: { 'content-type': JSON_TYPE }, body: '{"name":"InternalServerError","message":"Internal server error"}' }
}
