import type { ErrorBody } from '../generated/contract.js'

/** What an adapter writes back: a status, headers and a JSON body (or none). */
export interface HttpAnswer {
  status: number
  /** Lower-case names; `set-cookie` may hold several values. */
  headers: Record<string, string | string[]> | undefined
  body: string | undefined
  /** True when no route matches the path (Express then calls `next()`). */
  unmatched?: boolean
}

/** The request as an adapter hands it to the app. */
export interface HttpRequestLike {
  method: string
  /** Path and query: `/todos/1?full=true`. */
  url: string
  headers: { get(name: string): string | undefined }
}

/** The engine's answer, parsed: `[target, input, session?]` or `[-status, errorBody, allow?]`. */
export type WireAnswer = [number, unknown, unknown?]

/** The HTTP answer for an engine error. */
export function errorAnswer(wire: WireAnswer): HttpAnswer {
  const status = -wire[0]
  const headers: Record<string, string> = { 'content-type': JSON_TYPE }
  if (typeof wire[2] === 'string') headers.allow = wire[2]
  if (status === 413) headers.connection = 'close'
  return { status, headers, body: JSON.stringify(wire[1] as ErrorBody), unmatched: status === 404 }
}

export const JSON_TYPE = 'application/json; charset=utf-8'

/** The last resort: a 500 for a failure that cannot even be described. */
export function internalErrorAnswer(): HttpAnswer {
  return { status: 500, headers: { 'content-type': JSON_TYPE }, body: '{"name":"InternalServerError","message":"Internal server error"}' }
}
