import { answerForThrow, invokeFunction, type InvokeEnv } from '../invoke.js'
import { runOnion, type MiddlewareContext, type MiddlewareResponse, type PikkuMiddleware } from '../middleware.js'
import { deniedBy, permissionDenied, type PermissionPlan } from '../permissions.js'
import type { AnyAPIFunction, Session } from '../types.js'
import { SessionTracker } from '../user-session.js'
import { JSON_TYPE, type HttpAnswer, type HttpRequestLike } from './answer.js'

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
}

/** What the engine (and the session hook) decided: a target to run, or a failure answer. */
export type Decision =
  | { target: HttpTarget; input: unknown; session: Session | undefined; failure?: undefined }
  | { failure: HttpAnswer; chain: readonly PikkuMiddleware[] }

/** Builds the `Set-Cookie` of a changed session (`undefined`: clear it). */
export type SessionCookie = (session: Session | undefined) => string

/**
 * Runs one HTTP request after the engine's call: middleware around permissions and the
 * function (or around the engine's error answer, so that global middleware such as CORS sees
 * every request), then the answer with middleware headers and the session cookie.
 */
export async function serveDecision(env: InvokeEnv, request: HttpRequestLike, decision: Decision, sessionCookie: SessionCookie): Promise<HttpAnswer> {
  const state: ResponseState = { headers: {} }
  const response: MiddlewareResponse = {
    status: (code) => void (state.status = code),
    header: (name, value) => void (state.headers[name.toLowerCase()] = value),
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
  const clientId = request.headers.get('x-request-id')
  let core: HttpAnswer | undefined
  try {
    const chain = decision.failure ? decision.chain : decision.target.chain
    if (chain.length === 0) {
      core = decision.failure ?? (await runTarget(env, decision, context, state, clientId))
    } else {
      await runOnion(chain, env.singletonServices, context, async () => {
        core = decision.failure ?? (await runTarget(env, decision, context, state, clientId))
      })
    }
  } catch (error) {
    core = answerForThrow(env, error, clientId)
  }
  const answer = core ?? ownAnswer(state)
  if (Object.keys(state.headers).length > 0) answer.headers = { ...state.headers, ...answer.headers } // set by middleware or the function
  if (userSession.changed && answer.status < 400) {
    try {
      const cookie = sessionCookie(userSession.get())
      const headers = (answer.headers ??= {})
      const earlier = headers['set-cookie']
      headers['set-cookie'] = earlier === undefined ? cookie : [...(Array.isArray(earlier) ? earlier : [earlier]), cookie]
    } catch (error) {
      const failed = answerForThrow(env, error, clientId)
      failed.headers = { ...state.headers, ...failed.headers }
      return failed
    }
  }
  return answer
}

interface ResponseState {
  status?: number
  headers: Record<string, string>
  body?: unknown
}

/** Permissions, then the function; its result or throw as the answer. */
async function runTarget(
  env: InvokeEnv,
  decision: Extract<Decision, { target: HttpTarget }>,
  context: MiddlewareContext,
  state: ResponseState,
  clientId: string | undefined,
): Promise<HttpAnswer> {
  const { target, input } = decision
  const session = context.userSession.get() // as middleware left it
  try {
    const { permissions } = target
    if (permissions.global.length > 0 || permissions.levels.length > 0) {
      const denied = await deniedBy(permissions, env.singletonServices, input, session)
      if (denied !== undefined) throw permissionDenied(target.label, denied, env.production)
    }
    const result = await invokeFunction(env, target.func, input, session, context)
    if (result === undefined || result === null) return { status: state.status || 204, headers: undefined, body: undefined }
    return { status: state.status || 200, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(result) }
  } catch (error) {
    return answerForThrow(env, error, clientId)
  }
}

/** The answer of a middleware that did not call `next()`. */
function ownAnswer(state: ResponseState): HttpAnswer {
  if (state.body === undefined) return { status: state.status ?? 204, headers: undefined, body: undefined }
  return { status: state.status ?? 200, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(state.body) }
}
