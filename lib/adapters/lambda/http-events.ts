// The HTTP events AWS Lambda receives — API Gateway REST APIs (payload 1.0), HTTP APIs
// (payload 2.0) and Application Load Balancer targets — turned into the request the app
// answers, and the answer into the result each source expects back.
import { STATUS_CODES } from 'node:http'

import { BadRequestError } from '../../errors.js'
import type { HttpAnswer, HttpRequestLike } from '../../http/answer.js'

/** API Gateway REST API (and HTTP API payload 1.0) proxy event. */
export interface ApiGatewayV1Event {
  version?: '1.0'
  httpMethod: string
  path: string
  headers?: Record<string, string | undefined> | null
  multiValueHeaders?: Record<string, string[] | undefined> | null
  queryStringParameters?: Record<string, string | undefined> | null
  multiValueQueryStringParameters?: Record<string, string[] | undefined> | null
  body?: string | null
  isBase64Encoded?: boolean
  requestContext: Record<string, unknown>
}

/** API Gateway HTTP API event, payload 2.0. */
export interface ApiGatewayV2Event {
  version: '2.0'
  rawPath: string
  rawQueryString?: string
  cookies?: string[]
  headers?: Record<string, string | undefined>
  body?: string
  isBase64Encoded?: boolean
  requestContext: { http: { method: string } } & Record<string, unknown>
}

/** Application Load Balancer target event (with or without multi-value headers). */
export interface AlbEvent {
  httpMethod: string
  path: string
  headers?: Record<string, string | undefined>
  multiValueHeaders?: Record<string, string[] | undefined>
  queryStringParameters?: Record<string, string | undefined>
  multiValueQueryStringParameters?: Record<string, string[] | undefined>
  body?: string | null
  isBase64Encoded?: boolean
  requestContext: { elb: { targetGroupArn: string } }
}

export type HttpEvent = ApiGatewayV1Event | ApiGatewayV2Event | AlbEvent

/** The result Lambda hands back to API Gateway or the load balancer. */
export interface HttpResult {
  statusCode: number
  statusDescription?: string
  headers?: Record<string, string>
  multiValueHeaders?: Record<string, string[]>
  cookies?: string[]
  body: string
  isBase64Encoded: boolean
}

type Kind = 'v1' | 'v2' | 'alb'

/** Which source sent `event`, or a TypeError naming what it lacks. */
export function kindOf(event: unknown): Kind {
  const e = event as { version?: unknown; rawPath?: unknown; httpMethod?: unknown; path?: unknown; requestContext?: { http?: { method?: unknown }; elb?: unknown } } | null
  if (typeof e !== 'object' || e === null) throw new TypeError('PIKKU_ERR_LAMBDA: the event is not an object; this handler takes API Gateway and load balancer events')
  if (e.version === '2.0') {
    if (typeof e.rawPath !== 'string' || typeof e.requestContext?.http?.method !== 'string') {
      throw new TypeError('PIKKU_ERR_LAMBDA: an HTTP API event (payload 2.0) without `rawPath` or `requestContext.http.method`')
    }
    return 'v2'
  }
  if (typeof e.httpMethod !== 'string' || typeof e.path !== 'string') {
    throw new TypeError('PIKKU_ERR_LAMBDA: the event has no `httpMethod` and `path` (nor `version: "2.0"`): not an API Gateway or load balancer event')
  }
  return e.requestContext?.elb ? 'alb' : 'v1'
}

/** The request of an HTTP event: method, path and query (`basePath` cut off), headers. */
export function requestOf(kind: Kind, event: HttpEvent, basePath: string): HttpRequestLike {
  if (kind === 'v2') {
    const v2 = event as ApiGatewayV2Event
    const headers = lowerCased(v2.headers, undefined)
    if (v2.cookies?.length) headers.set('cookie', v2.cookies.join('; '))
    const query = v2.rawQueryString ? `?${v2.rawQueryString}` : ''
    return { method: v2.requestContext.http.method, url: stripBase(v2.rawPath, basePath) + query, headers: mapHeaders(headers) }
  }
  const v1 = event as ApiGatewayV1Event | AlbEvent
  const headers = lowerCased(v1.headers ?? undefined, v1.multiValueHeaders ?? undefined)
  // API Gateway decodes query values, a load balancer passes them as they came.
  const query = queryOf(v1.queryStringParameters ?? undefined, v1.multiValueQueryStringParameters ?? undefined, kind === 'v1')
  return { method: v1.httpMethod, url: stripBase(v1.path, basePath) + query, headers: mapHeaders(headers) }
}

/**
 * The body's bytes: `null` past `limit` (the engine answers 413), a 400 for a body marked
 * base64 that is not.
 */
export function bodyOf(event: HttpEvent, limit: number): Uint8Array | null {
  const body = event.body
  if (body === undefined || body === null || body === '') return new Uint8Array(0)
  let bytes: Buffer
  if (event.isBase64Encoded) {
    if (body.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(body)) {
      throw new BadRequestError('The request body is marked as base64 (isBase64Encoded) but is not valid base64')
    }
    bytes = Buffer.from(body, 'base64')
  } else {
    bytes = Buffer.from(body)
  }
  return bytes.length > limit ? null : bytes
}

/** The answer as the source expects it back. */
export function resultOf(kind: Kind, event: HttpEvent, answer: HttpAnswer): HttpResult {
  const result: HttpResult = { statusCode: answer.status, body: answer.body ?? '', isBase64Encoded: false }
  const entries = Object.entries(answer.headers ?? {}).map(([name, value]) => [name, Array.isArray(value) ? value : [value]] as const)
  if (kind === 'v2') {
    // Cookies go in their own list; other repeated headers are joined, as HTTP allows.
    result.headers = Object.fromEntries(entries.filter(([name]) => name !== 'set-cookie').map(([name, values]) => [name, values.join(', ')]))
    const cookies = entries.find(([name]) => name === 'set-cookie')?.[1]
    if (cookies) result.cookies = [...cookies]
    return result
  }
  // A REST API always sends multi-value headers; a load balancer only when its target group
  // has them on, and then it reads only those.
  if (kind === 'v1' || (event as AlbEvent).multiValueHeaders) result.multiValueHeaders = Object.fromEntries(entries.map(([name, values]) => [name, [...values]]))
  else result.headers = Object.fromEntries(entries.map(([name, values]) => [name, values.join(', ')]))
  if (kind === 'alb') result.statusDescription = `${answer.status} ${STATUS_CODES[answer.status] ?? ''}`.trim()
  return result
}

/** Header values by lower-case name, repeated ones joined. */
function lowerCased(single: Record<string, string | undefined> | undefined, multi: Record<string, string[] | undefined> | undefined): Map<string, string> {
  const headers = new Map<string, string>()
  for (const [name, value] of Object.entries(single ?? {})) if (value !== undefined) headers.set(name.toLowerCase(), value)
  for (const [name, values] of Object.entries(multi ?? {})) if (values?.length) headers.set(name.toLowerCase(), values.join(', '))
  return headers
}

function mapHeaders(headers: Map<string, string>): HttpRequestLike['headers'] {
  return { get: (name: string) => headers.get(name) }
}

/** `?a=1&b=2` from the parsed query (re-encoded when the source decoded it), or ''. */
function queryOf(single: Record<string, string | undefined> | undefined, multi: Record<string, string[] | undefined> | undefined, decoded: boolean): string {
  const encode = decoded ? encodeURIComponent : (text: string) => text
  const pairs: string[] = []
  const source: Record<string, (string | undefined)[] | undefined> = multi ?? Object.fromEntries(Object.entries(single ?? {}).map(([k, v]) => [k, [v]]))
  for (const [key, values] of Object.entries(source)) {
    for (const value of values ?? []) if (value !== undefined) pairs.push(`${encode(key)}=${encode(value)}`)
  }
  return pairs.length ? `?${pairs.join('&')}` : ''
}

/**
 * The path as the engine reads it: `basePath` cut off, and made a valid encoded path. REST APIs
 * and load balancers pass the path as it came (encoded), HTTP APIs decoded: characters that
 * never stand as they are in an encoded path (a space, a `?`, non-ASCII, a `%` not followed by
 * two hex digits) are escaped, so both arrive the same, and a decoded `?` cannot start a query.
 */
function stripBase(path: string, basePath: string): string {
  const escaped = path.replace(/%(?![0-9A-Fa-f]{2})|[^A-Za-z0-9\-._~!$&'()*+,;=:@/%]/gu, (char) => encodeURIComponent(char))
  if (basePath && (escaped === basePath || escaped.startsWith(`${basePath}/`))) return escaped.slice(basePath.length) || '/'
  return escaped
}

