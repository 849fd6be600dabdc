import { answerForThrow, failureAnswer, invokeFunction, runChecked, type InvokeEnv } from '../invoke.js'
import { runOnion, type MiddlewareContext, type MiddlewareResponse, type PikkuMiddleware } from '../middleware.js'
import type { PermissionPlan } from '../permissions.js'
import type { AnyAPIFunction, Session } from '../types.js'
import { SessionTracker } from '../user-session.js'
import { JSON_TYPE, type HttpAnswer, type HttpRequestLike } from './answer.js'
import { EVENT_STREAM_HEADERS, ServerEventStream } from './event-stream.js'
import type { UploadLimits, UploadedFile } from './upload.js'
import { checkedHeader, checkedStatus, isAscii } from './response-rules.js'
import { Deadline } from '../deadlines.js'
import { GatewayTimeoutError } from '../errors.js'

/** A function as an HTTP request reaches it. */
export interface HttpTarget {
  /** The function to run. */
  func: AnyAPIFunction
  /** `POST /todos/:id`, or the function's name: for messages. */
  label: string
  /** The route pattern, when the engine routed the request. */
  route?: string
  /** Global, route-pattern, route and function middleware, in that order. */
  chain: readonly PikkuMiddleware[]
  /** What must allow the invocation. */
  permissions: PermissionPlan
  /** How long its middleware and function may run, in ms (0: no limit). */
  timeoutMs: number
  /** An `sse: true` route: the function streams events through its `channel` service. */
  sse?: true
  /** An upload route: its body is streamed to files within these limits (see upload.ts), and its auth gate. */
  upload?: UploadLimits & { auth: boolean }
}

/** What the engine (and the session hook) decided: a target to run, or a failure answer. */
export type Decision =
  | { target: HttpTarget; input: unknown; session: Session | undefined; failure?: undefined; files?: UploadedFile[] }
  | { failure: HttpAnswer; chain: readonly PikkuMiddleware[] }

/** Builds the `Set-Cookie` of a changed session (`undefined`: clear it). */
export type SessionCookie = (session: Session | undefined) => string

/** Takes a request's answer. It must not throw. */
export type Deliver = (answer: HttpAnswer) => void

/** Takes a throw outside any function (the adapter answers it with `app.failure`). It must not throw. */
export type Fail = (error: unknown) => void

/**
 * Runs one HTTP request after the engine's call: middleware around permissions and the
 * function (or around the engine's error answer, so that global middleware such as CORS sees
 * every request), then the answer with middleware headers and the session cookie, handed
 * to `deliver`.
 */
export function serveDecision(env: InvokeEnv, request: HttpRequestLike, decision: Decision, sessionCookie: SessionCookie, deliver: Deliver, fail: Fail): void {
  if (decision.failure) {
    serveInContext(env, request, decision, sessionCookie, undefined).then(deliver, fail)
    return
  }
  const { target } = decision
  // Past the target's limit the request is answered 504 at once; what the work gives later is dropped.
  if (target.sse) return serveEvents(env, request, decision, sessionCookie, deliver, fail)
  const deadline = target.timeoutMs === 0 ? undefined : env.deadlines.start(new RequestDeadline(target.timeoutMs, env, request, target, deliver))
  if (isPlain(env, target)) servePlain(env, request, decision, sessionCookie, deliver, fail, deadline)
  else
    serveInContext(env, request, decision, sessionCookie, deadline).then(
      (answer) => env.deadlines.finish(deadline) && deliver(answer),
      (error) => env.deadlines.finish(deadline) && fail(error),
    )
}

/** A request's limit: past it, a 504 (logged as a warning) goes to `deliver`. */
class RequestDeadline extends Deadline {
  constructor(
    limitMs: number,
    private readonly env: InvokeEnv,
    private readonly request: HttpRequestLike,
    private readonly target: HttpTarget,
    private readonly deliver: Deliver,
  ) {
    super(limitMs)
  }

  protected passed(): void {
    const message = `${this.target.label} did not finish within its limit of ${this.limitMs} ms`
    const { logger } = this.env
    try {
      ;(logger.warn ?? logger.error).call(logger, `pikku: ${message}; answered 504 and aborted its signal`)
    } catch {
      // a logger that throws must not keep the answer from going out
    }
    this.deliver(answerForThrow(this.env, new GatewayTimeoutError(message), this.request.headers.get('x-request-id')))
  }
}

/**
 * An `sse: true` route's request: as any other, with an event stream in the function's
 * services. Its head goes to `deliver` with the first event; a function that ends before one
 * is answered as on any route (204 for nothing, its error's status).
 */
function serveEvents(
  env: InvokeEnv,
  request: HttpRequestLike,
  decision: Extract<Decision, { target: HttpTarget }>,
  sessionCookie: SessionCookie,
  deliver: Deliver,
  fail: Fail,
): void {
  const { target } = decision
  const events = new ServerEventStream(request.headers.get('last-event-id'), env.eventStreams, deliver)
  const settle = (answer: HttpAnswer) => events.finish(answer) || deliver(answer)
  const deadline = target.timeoutMs === 0 ? undefined : env.deadlines.start(new RequestDeadline(target.timeoutMs, env, request, target, settle))
  serveInContext(env, request, decision, sessionCookie, deadline, events).then(
    (answer) => env.deadlines.finish(deadline) && settle(answer),
    (error) => {
      if (!env.deadlines.finish(deadline)) return
      if (events.hasStarted) return void settle(failureAnswer(env, error, request))
      events.close() // its keep-alive must not start the stream after the failure's answer
      fail(error)
    },
  )
}

/** Middleware around permissions and the function, with the full middleware context. */
async function serveInContext(
  env: InvokeEnv,
  request: HttpRequestLike,
  decision: Decision,
  sessionCookie: SessionCookie,
  deadline: Deadline | undefined,
  events?: ServerEventStream,
): Promise<HttpAnswer> {
  const state: ResponseState = { headers: {} }
  const response: MiddlewareResponse = {
    status: (code) => void (state.status = checkedStatus(code)),
    header: (name, value) => {
      const [lower, text] = checkedHeader(name, value)
      state.headers[lower] = text
      if (!isAscii(text)) state.latin1Headers = true
    },
    json: (body) => void (state.body = body),
  }
  const session = decision.failure ? undefined : decision.session
  const userSession = new SessionTracker(session)
  const context: MiddlewareContext = {
    http: { request: { method: request.method, url: request.url, headers: request.headers }, response },
    userSession,
    session,
  }
  if (!decision.failure && decision.target.route !== undefined) context.route = decision.target.route
  if (!decision.failure && decision.files) context.files = decision.files
  const clientId = request.headers.get('x-request-id')
  if (events) {
    context.events = events
    // The head as middleware and the function left it when the first event goes out.
    events.headFrom(() => {
      const head: HttpAnswer = { status: 200, headers: { ...state.headers, ...EVENT_STREAM_HEADERS }, body: undefined }
      if (state.latin1Headers) head.latin1Headers = true
      return withSessionCookie(env, head, userSession, sessionCookie, clientId, state.headers)
    })
  }
  let core: HttpAnswer | undefined
  try {
    const chain = decision.failure ? decision.chain : decision.target.chain
    if (chain.length === 0) {
      core = decision.failure ?? (await runTarget(env, decision, context, state, clientId, deadline))
    } else {
      await runOnion(chain, env.singletonServices, context, async () => {
        core = decision.failure ?? (await runTarget(env, decision, context, state, clientId, deadline))
      })
    }
  } catch (error) {
    core = answerForThrow(env, error, clientId)
  }
  const answer = core ?? ownAnswer(state)
  if (Object.keys(state.headers).length > 0) answer.headers = { ...state.headers, ...answer.headers } // set by middleware or the function
  if (state.latin1Headers) answer.latin1Headers = true
  return withSessionCookie(env, answer, userSession, sessionCookie, clientId, state.headers)
}

/** A target with no middleware, no permissions and no session services: nothing runs around it. */
function isPlain(env: InvokeEnv, target: HttpTarget): boolean {
  return target.chain.length === 0 && target.permissions.global.length === 0 && target.permissions.levels.length === 0 && !env.createSessionServices
}

/**
 * The function of a plain target, without the middleware context (only session services and
 * middleware read it), so that the common request allocates little besides its answer. The
 * answer goes to `deliver` from the function's own `then`: no promise of ours in between.
 */
function servePlain(
  env: InvokeEnv,
  request: HttpRequestLike,
  decision: Extract<Decision, { target: HttpTarget }>,
  sessionCookie: SessionCookie,
  deliver: Deliver,
  fail: Fail,
  deadline: Deadline | undefined,
): void {
  const userSession = new SessionTracker(decision.session)
  const thrown = (error: unknown) => {
    if (!env.deadlines.finish(deadline)) return // answered 504 already
    let answer: HttpAnswer
    try {
      answer = answerForThrow(env, error, request.headers.get('x-request-id'))
    } catch (failure) {
      return fail(failure) // an error that cannot be described
    }
    deliver(answer)
  }
  const context = decision.files ? { userSession, files: decision.files } : { userSession }
  invokeFunction(env, decision.target.func, decision.input, decision.session, context, deadline).then((result) => {
    if (!env.deadlines.finish(deadline)) return // answered 504 already
    let answer: HttpAnswer
    try {
      answer = resultAnswer(result, undefined)
    } catch (error) {
      return thrown(error) // a result JSON cannot hold (a BigInt, a cycle)
    }
    if (userSession.changed) {
      try {
        answer = withSessionCookie(env, answer, userSession, sessionCookie, request.headers.get('x-request-id'), {})
      } catch (error) {
        return fail(error) // not even the cookie's failure could be described
      }
    }
    deliver(answer)
  }, thrown)
}

/** The answer with the `Set-Cookie` of a changed session (successful answers only). */
function withSessionCookie(
  env: InvokeEnv,
  answer: HttpAnswer,
  userSession: SessionTracker,
  sessionCookie: SessionCookie,
  clientId: string | undefined,
  setHeaders: Record<string, string>,
): HttpAnswer {
  if (!userSession.changed || answer.status >= 400) return answer
  try {
    const cookie = sessionCookie(userSession.get())
    const headers = (answer.headers ??= {})
    const earlier = headers['set-cookie']
    headers['set-cookie'] = earlier === undefined ? cookie : [...(Array.isArray(earlier) ? earlier : [earlier]), cookie]
    return answer
  } catch (error) {
    const failed = answerForThrow(env, error, clientId)
    failed.headers = { ...setHeaders, ...failed.headers }
    return failed
  }
}

/** A function's result as the answer: JSON, or 204 for nothing (`status`: set by the function). */
function resultAnswer(result: unknown, status: number | undefined): HttpAnswer {
  if (result === undefined || result === null) return { status: status || 204, headers: undefined, body: undefined }
  return { status: status || 200, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(result) }
}

interface ResponseState {
  status?: number
  headers: Record<string, string>
  body?: unknown
  latin1Headers?: boolean
}

/** Permissions, then the function; its result or throw as the answer. */
async function runTarget(
  env: InvokeEnv,
  decision: Extract<Decision, { target: HttpTarget }>,
  context: MiddlewareContext,
  state: ResponseState,
  clientId: string | undefined,
  deadline: Deadline | undefined,
): Promise<HttpAnswer> {
  const { target, input } = decision
  const session = context.userSession.get() // as middleware left it
  try {
    return resultAnswer(await runChecked(env, target.permissions, target.label, target.func, input, session, context, deadline), state.status)
  } catch (error) {
    return answerForThrow(env, error, clientId)
  }
}

/** The answer of a middleware that did not call `next()`. */
function ownAnswer(state: ResponseState): HttpAnswer {
  if (state.body === undefined) return { status: state.status ?? 204, headers: undefined, body: undefined }
  return { status: state.status ?? 200, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(state.body) }
}
