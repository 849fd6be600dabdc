// One HTTP pipeline for every adapter: the engine's one call for a request (routed by the
// engine, or by the host framework), the session hook, then middleware, permissions and the
// function. Adapters translate their framework's request into `HttpRequestLike` and a body,
// and write the `HttpAnswer` back; nothing else.

import type { BuiltApp } from '../app/build.js'
import type { Entries } from '../app/entries.js'
import type { RouteHandlerOptions } from '../app-options.js'
import { isPreflight } from '../cors.js'
import { functionLabel, functionMeta } from '../functions.js'
import { answerForThrow, failureAnswer, permissionPlan } from '../invoke.js'
import { patternMiddleware } from '../middleware.js'
import { PayloadTooLargeError } from '../errors.js'
import { invoke, middlewareScopes, sessionCookie, sessionRequired } from '../native.js'
import type { AnyAPIFunction, Session } from '../types.js'
import { enrichedSession } from '../user-session.js'
import { errorAnswer, isErrorAnswer, isMissingSession, type ErrorAnswer, type HttpAnswer, type HttpRequestLike, type WireAnswer } from './answer.js'
import type { Readable } from 'node:stream'

import { NO_BODY } from './node.js'
import { ClientGoneError, isUploadType, mostUploadBytes, notAnUpload, readUpload, readWhole, type UploadBody } from './upload.js'
import { serveDecision, type Decision, type Deliver, type Fail, type HttpTarget } from './serve.js'

/** A function the host framework routed: its engine entry, path parameters and auth gate. */
export interface HostRouted {
  func: AnyAPIFunction
  auth: boolean
  /** Its limit in ms, when the handler sets one (else the app's). */
  timeoutMs: number | undefined
  /** Server-sent events. */
  sse: boolean
  index: number
  paramsJson: string
}

/** How a request reaches the pipeline, beyond the request itself. */
export interface RespondOptions {
  /** Routed by the host framework (a per-route Express handler, a Next.js file route). */
  host?: HostRouted
  /** The engine's answer already (the standalone server asked its own engine). */
  first?: WireAnswer
  /** A path without a route answers `unmatched` at once (Express then calls `next()`), unless it is a CORS preflight. */
  fallThrough?: boolean
}

/** The HTTP pipeline of one built app. */
export class HttpPipeline {
  constructor(
    private readonly app: BuiltApp,
    private readonly entries: Entries,
  ) {}

  /** The body limit in bytes. */
  get maxBodyBytes(): number {
    return this.app.maxBodyBytes
  }

  /** Whether a route matches the path of `url` for some method. */
  owns(url: string): boolean {
    return this.app.owns(url)
  }

  /**
   * The host-routed target of `func` with the host's path parameters; its problems (no input
   * schema, `auth: false` on a session function) are thrown when the handler is made.
   */
  hostRouted(func: AnyAPIFunction, params: Record<string, string | string[] | undefined>, options: RouteHandlerOptions = {}): HostRouted {
    const auth = options.auth ?? true
    return { func, auth, timeoutMs: options.timeoutMs, sse: options.sse === true, index: this.entries.index(func, auth), paramsJson: JSON.stringify(params) }
  }

  /**
   * Answers one request. `body` is the raw body, or `null` when it went over the limit. The
   * answer goes to `deliver` (perhaps before this returns), a throw outside any function to
   * `fail` (answer it with `failure`); neither may throw. No promise of ours in between.
   */
  respond(request: HttpRequestLike, body: Uint8Array | null, deliver: Deliver, fail: Fail, options: RespondOptions = {}): void {
    let unmatched: HttpAnswer | undefined
    try {
      const wire = options.first ?? this.ask(request, body, false, options.host)
      if (isErrorAnswer(wire) && wire[0] === -404 && options.fallThrough && !isPreflight(request)) unmatched = errorAnswer(wire)
      else if (this.app.enrichSession) {
        const env = this.app.env
        this.decide(wire, request, body, options.host).then((decision) => serveDecision(env, request, decision, this.cookieFor, deliver, fail), fail)
      } else if (isErrorAnswer(wire)) {
        // Without a hook the engine decided everything: no await before the function.
        serveDecision(this.app.env, request, { failure: errorAnswer(wire), chain: this.app.globalChain }, this.cookieFor, deliver, fail)
      } else {
        const { target } = this.targetOf(wire[0], request.url, options.host)
        if (target.upload) return this.refuseUpload(request, deliver, fail)
        serveDecision(this.app.env, request, { target, input: wire[1], session: wire[2] as Session | undefined }, this.cookieFor, deliver, fail)
      }
    } catch (error) {
      return fail(error)
    }
    if (unmatched) deliver(unmatched) // outside the try: `deliver` is not `fail`'s to answer for
  }

  /** Whether `request` may be an upload: the app has upload routes and its body is a form or a file. */
  mayUpload(request: HttpRequestLike): boolean {
    return this.app.uploads && isUploadType(request.headers.get('content-type'))
  }

  /**
   * Answers a request whose body is a form or a file (`mayUpload`), reading the body from
   * `source` only as needed: to an upload route, streamed to files within its limits, then
   * its fields validated with the route's params and query, and the function run with its
   * `files`; to any other route, read whole within the app's limit and answered as `respond`
   * does. An answer given before the body was read closes the connection (what is left of the
   * body is never read).
   */
  respondUpload(request: HttpRequestLike, source: Readable, deliver: Deliver, fail: Fail, options: RespondOptions = {}): void {
    const env = this.app.env
    const closing: Deliver = (answer) => deliver(withHeader(answer, 'connection', 'close'))
    const refuse = (error: unknown) => {
      if (error instanceof ClientGoneError) return // no one is left to answer
      const failure = answerForThrow(env, error, request.headers.get('x-request-id'))
      serveDecision(env, request, { failure, chain: this.app.globalChain }, this.cookieFor, closing, fail)
    }
    const whole = async () => this.respond(request, await readWhole(source, this.app.maxBodyBytes), deliver, fail, options)
    const run = async () => {
      const wire = this.ask(request, NO_BODY, false, undefined)
      // A 422 comes from a route whose input the engine checks: not an upload route (whose
      // input is checked once its body has streamed). Its body is read whole, as any request's.
      if (isErrorAnswer(wire) && wire[0] === -422) return whole()
      const decision = this.app.enrichSession ? await this.decide(wire, request, NO_BODY, undefined, true) : this.plainDecision(wire, request)
      if (decision.failure) return serveDecision(env, request, decision, this.cookieFor, closing, fail)
      const limits = decision.target.upload
      if (limits === undefined) return whole()
      const declared = Number(request.headers.get('content-length'))
      if (declared > mostUploadBytes(limits)) return refuse(new PayloadTooLargeError(`The upload declares ${declared} bytes, more than this route's limits allow (${mostUploadBytes(limits)})`))
      let upload: UploadBody
      try {
        upload = await readUpload(source, request.headers.get('content-type')!, limits)
      } catch (error) {
        return refuse(error) // its files are removed already
      }
      // The files go when the answer does (a cleanup that fails leaves them to the system's temp sweep).
      const done = <T>(then: (value: T) => void) => (value: T) => void upload.cleanup().then(() => then(value), () => then(value))
      let checked: Decision
      try {
        checked = this.checkUpload(request, decision, upload)
      } catch (error) {
        return done(fail)(error)
      }
      serveDecision(env, request, checked, this.cookieFor, done(deliver), done(fail))
    }
    run().catch((error: unknown) => (error instanceof ClientGoneError ? undefined : fail(error)))
  }

  /** An upload's fields with the route's params and query, through the engine: the function's input, or the refusal. */
  private checkUpload(request: HttpRequestLike, decision: Extract<Decision, { target: HttpTarget }>, upload: UploadBody): Decision {
    const { target, session } = decision
    // The route's params: what the engine routed, without what the query string gave.
    const params = { ...(decision.input as Record<string, unknown>) }
    const query = request.url.indexOf('?')
    if (query >= 0) for (const key of new URLSearchParams(request.url.slice(query + 1)).keys()) delete params[key]
    const entry = this.entries.index(target.func, target.upload!.auth, `route \`${target.label}\``)
    const form = new URLSearchParams(upload.fields).toString()
    const answer = JSON.parse(
      invoke(this.app.engine, entry, {
        method: request.method,
        url: request.url,
        paramsJson: JSON.stringify(params),
        contentType: 'application/x-www-form-urlencoded',
        requestId: request.headers.get('x-request-id'),
        hasSession: session !== undefined,
        body: Buffer.from(form),
        bodyTooLarge: false,
      }),
    ) as WireAnswer
    if (isErrorAnswer(answer)) return { failure: errorAnswer(answer), chain: this.app.globalChain }
    return { target, input: answer[1], session, files: upload.files }
  }

  /** The decision of an engine answer, without a session hook. */
  private plainDecision(wire: WireAnswer, request: HttpRequestLike): Decision {
    if (isErrorAnswer(wire)) return { failure: errorAnswer(wire), chain: this.app.globalChain }
    return { target: this.targetOf(wire[0], request.url, undefined).target, input: wire[1], session: wire[2] as Session | undefined }
  }

  /** `respond` as a promise. */
  answer(request: HttpRequestLike, body: Uint8Array | null, options: RespondOptions = {}): Promise<HttpAnswer> {
    return new Promise((resolve, reject) => this.respond(request, body, resolve, reject, options))
  }

  /** The answer for a failure outside any function: logged, a 500; it never throws. */
  failure(error: unknown, request: HttpRequestLike): HttpAnswer {
    return failureAnswer(this.app.env, error, request)
  }

  private readonly cookieFor = (session: Session | undefined) => sessionCookieFor(this.app, session)

  /**
   * An upload route asked without a form or a file (JSON, say): 415. Its function never runs
   * on a body that did not stream through its limits (the engine's route has no schema: the
   * upload path checks the input).
   */
  private refuseUpload(request: HttpRequestLike, deliver: Deliver, fail: Fail): void {
    const failure = answerForThrow(this.app.env, notAnUpload(request), request.headers.get('x-request-id'))
    serveDecision(this.app.env, request, { failure, chain: this.app.globalChain }, this.cookieFor, deliver, fail)
  }

  /** The target of an engine answer: a route's, or the host-routed function's. */
  private targetOf(index: number, url: string, host: HostRouted | undefined): { target: HttpTarget; auth: boolean } {
    return host === undefined ? this.routed(index, url) : { target: this.hostRoutedTarget(host, url), auth: host.auth }
  }

  /** A routed request's target, with the route-pattern middleware that covers it. */
  private routed(index: number, url: string): { target: HttpTarget; auth: boolean } {
    const { routes, scopedMiddleware, globalChain } = this.app
    const routeTarget = routes[index]!
    if (scopedMiddleware.length === 0) return routeTarget
    const { target, own, auth } = routeTarget
    const scoped = patternMiddleware(scopedMiddleware, middlewareScopes(this.app.engine, url, target.route))
    if (scoped.length === 0) return routeTarget
    return { target: { ...target, chain: [...globalChain, ...scoped, ...own] }, auth }
  }

  /** A function routed by the host framework: route-pattern middleware matched on the path. */
  private hostRoutedTarget({ func, timeoutMs, sse }: HostRouted, url: string): HttpTarget {
    const { globalChain, scopedMiddleware, globalPermissions } = this.app
    const scoped = scopedMiddleware.length === 0 ? [] : patternMiddleware(scopedMiddleware, middlewareScopes(this.app.engine, url))
    const chain = [...globalChain, ...scoped, ...(functionMeta(func)?.middleware ?? [])]
    const target: HttpTarget = { func, label: functionLabel(func), chain, permissions: permissionPlan(globalPermissions, func), timeoutMs: timeoutMs ?? (sse ? 0 : this.app.env.timeoutMs) }
    if (sse) target.sse = true
    return target
  }

  /**
   * The engine's one call for a request, parsed: routed by the engine, or by the host
   * (`host`). `body` is `null` when it went over the limit.
   */
  private ask(request: HttpRequestLike, body: Uint8Array | null, hasSession: boolean, host: HostRouted | undefined): WireAnswer {
    const { headers } = request
    const { readsSessions, apiKeyHeader, handle, engine } = this.app
    const bytes = body === null ? NO_BODY : unshared(body)
    const contentType = bytes.length === 0 ? undefined : headers.get('content-type') // no body, nothing to parse
    const requestId = headers.get('x-request-id')
    const authorization = readsSessions ? headers.get('authorization') : undefined
    const cookie = readsSessions ? headers.get('cookie') : undefined
    const apiKey = apiKeyHeader === null ? undefined : headers.get(apiKeyHeader)
    if (host !== undefined) {
      const text = invoke(engine, host.index, {
        method: request.method,
        url: request.url,
        paramsJson: host.paramsJson,
        contentType,
        requestId,
        authorization,
        cookie,
        apiKey,
        hasSession,
        body: bytes,
        bodyTooLarge: body === null,
      })
      return JSON.parse(text) as WireAnswer
    }
    // Only the arguments a request has: each one left out is an N-API read spared.
    const answer =
      requestId !== undefined || authorization !== undefined || cookie !== undefined || apiKey !== undefined || hasSession
        ? handle(request.method, request.url, bytes, body === null, contentType, hasSession, requestId, authorization, cookie, apiKey)
        : bytes.length > 0 || body === null
          ? handle(request.method, request.url, bytes, body === null, contentType)
          : handle(request.method, request.url)
    // A run with no input and no session comes as its bare target: nothing to parse.
    return typeof answer === 'number' ? [answer, {}] : (JSON.parse(answer) as WireAnswer)
  }

  /**
   * The engine's answer, after the session hook. Without a session the engine answers an
   * `auth` route 401 before validating; the hook may then supply one, and the engine is
   * asked again with it.
   */
  private async decide(wire: WireAnswer, request: HttpRequestLike, body: Uint8Array | null, host: HostRouted | undefined, uploading = false): Promise<Decision> {
    const { env, globalChain } = this.app
    const hook = this.app.enrichSession!
    const missing = isMissingSession(wire)
    if (isErrorAnswer(wire) && !missing) return { failure: errorAnswer(wire), chain: globalChain }
    let session: Session | undefined
    try {
      session = await enrichedSession(hook, isErrorAnswer(wire) ? undefined : (wire[2] as Session | undefined), request, env.singletonServices)
    } catch (error) {
      return { failure: answerForThrow(env, error, request.headers.get('x-request-id')), chain: globalChain }
    }
    if (isErrorAnswer(wire)) {
      // The session was missing (any other error was answered above).
      if (session === undefined) return { failure: errorAnswer(wire), chain: globalChain }
      wire = this.ask(request, body, true, host)
      if (isErrorAnswer(wire)) return { failure: errorAnswer(wire), chain: globalChain }
    }
    const { target, auth } = this.targetOf(wire[0], request.url, host)
    if (target.upload && !uploading) {
      return { failure: answerForThrow(env, notAnUpload(request), request.headers.get('x-request-id')), chain: globalChain }
    }
    if (auth && session === undefined) {
      // The hook ended a session the engine had decoded: the engine's own 401 for the target.
      const refused = JSON.parse(sessionRequired(this.app.engine, wire[0], request.headers.get('x-request-id'))) as ErrorAnswer
      return { failure: errorAnswer(refused), chain: globalChain }
    }
    return { target, input: wire[1], session }
  }
}

/** `answer` with one more header. */
function withHeader(answer: HttpAnswer, name: string, value: string): HttpAnswer {
  answer.headers = { ...answer.headers, [name]: value }
  return answer
}

/** The `Set-Cookie` the engine builds for a changed session (`undefined`: clear it). */
function sessionCookieFor(app: BuiltApp, session: Session | undefined): string {
  return sessionCookie(app.engine, session === undefined ? null : JSON.stringify(session))
}

/**
 * `body`, copied when it is a view of shared memory: another thread could change it while the
 * engine reads it, and the engine checks the bytes before it takes them into its answer.
 */
function unshared(body: Uint8Array): Uint8Array {
  return body.length > 0 && SHARED !== undefined && body.buffer instanceof SHARED ? new Uint8Array(body) : body
}

/** The runtime's SharedArrayBuffer, if it has one (looked up once, not per request). */
const SHARED = typeof SharedArrayBuffer === 'function' ? SharedArrayBuffer : undefined
