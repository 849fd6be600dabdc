import { ForbiddenError } from '../errors.js'
import { answerForThrow, invokeFunction, type InvokeEnv } from '../invoke.js'
import { runOnion, type MiddlewareContext, type PikkuMiddleware } from '../middleware.js'
import { deniedBy, type PermissionPlan } from '../permissions.js'
import type { AnyAPIFunction, HttpResponseControl, Session } from '../types.js'
import { SessionTracker } from '../user-session.js'
import { JSON_TYPE, type HttpAnswer, type HttpRequestLike } from './answer.js'

/** A function as an HTTP request reaches it. */
export interface HttpTarget {
  func: AnyAPIFunction
  /** `POST /todos/:id`, or the function's name: for messages. */
  label: string
  /** The route pattern, when the engine routed the request. */
  route?: string
  /** Global, route-pattern, route and function middleware, in that order. */
  chain: readonly PikkuMiddleware[]
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
  const state: { status?: number; headers: Record<string, string>; body?: unknown } = { headers: {} }
  const response: HttpResponseControl = {
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
    await runOnion(chain, env.singletonServices, context, async () => {
      core = decision.failure ?? (await runTarget(env, decision, context, state, clientId))
    })
  } catch (error) {
    core = answerForThrow(env, error, clientId)
  }
  const answer = core ?? ownAnswer(state)
  answer.headers = { ...state.headers, ...answer.headers }
  if (userSession.changed && answer.status < 400) {
    try {
      answer.headers['set-cookie'] = sessionCookie(userSession.get())
    } catch (error) {
      return answerForThrow(env, error, clientId)
    }
  }
  return answer
}

/** Permissions, then the function; its result or throw as the answer. */
async function runTarget(
  env: InvokeEnv,
  decision: Extract<Decision, { target: HttpTarget }>,
  context: MiddlewareContext,
  state: { status?: number },
  clientId: string | undefined,
): Promise<HttpAnswer> {
  const { target, input, session } = decision
  try {
    const denied = await deniedBy(target.permissions, env.singletonServices, input, session)
    if (denied !== undefined) {
      throw new ForbiddenError(env.production ? 'Permission denied' : `Permission denied: ${target.label} needs ${denied}`)
    }
    const result = await invokeFunction(env, target.func, input, session, context)
    if (result === undefined || result === null) return { status: state.status || 204, headers: undefined, body: undefined }
    return { status: state.status || 200, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(result) }
  } catch (error) {
    return answerForThrow(env, error, clientId)
  }
}

/** The answer of a middleware that did not call `next()`. */
function ownAnswer(state: { status?: number; body?: unknown }): HttpAnswer {
  if (state.body === undefined) return { status: state.status ?? 204, headers: undefined, body: undefined }
  return { status: state.status ?? 200, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(state.body) }
}
