import { describeError } from './errors.js'
import { requestId } from './native.js'
import { JSON_TYPE, type HttpAnswer, type HttpRequestLike } from './http/answer.js'
import type { AnyAPIFunction, InvocationContext, RequestHeaders, Session, SessionServices } from './types.js'

/** What running a function needs from the app. */
export interface InvokeEnv {
  singletonServices: Record<string, unknown>
  createSessionServices:
    | ((singletons: any, session: Session | undefined, context: InvocationContext) => SessionServices | Promise<SessionServices>)
    | undefined
  production: boolean
  logger: { error(message: string, ...args: unknown[]): void }
}

/**
 * Runs `func` for an HTTP request and maps its result or its throw to the answer. Session
 * services are made for this invocation and closed exactly once when it ends.
 */
export async function invokeForHttp(
  env: InvokeEnv,
  func: AnyAPIFunction,
  input: unknown,
  session: Session | undefined,
  request: HttpRequestLike,
): Promise<HttpAnswer> {
  let status = 0
  let headers: Record<string, string> | undefined
  try {
    let result: unknown
    if (env.createSessionServices) {
      const context: InvocationContext = {
        http: {
          request: { method: request.method, url: request.url, headers: request.headers as RequestHeaders },
          response: {
            status(code) {
              status = code
            },
            header(name, value) {
              ;(headers ??= {})[name.toLowerCase()] = value
            },
          },
        },
      }
      result = await withSessionServices(env, session, context, (services) => func(services as never, input as never, session as never))
    } else {
      result = await func(env.singletonServices as never, input as never, session as never)
    }
    if (result === undefined || result === null) {
      return { status: status || 204, headers, body: undefined }
    }
    ;(headers ??= {})['content-type'] = JSON_TYPE
    return { status: status || 200, headers, body: JSON.stringify(result) }
  } catch (error) {
    return answerForThrow(env, error, request.headers.get('x-request-id'))
  }
}

/** The HTTP answer for a thrown value, through the error table. */
export function answerForThrow(env: InvokeEnv, error: unknown, clientRequestId: string | undefined): HttpAnswer {
  const { status, body } = describeThrow(env, error, clientRequestId)
  return { status, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(body) }
}

/** Runs `func` in-process (server components, actions); throws what it throws. */
export async function invokeInProcess(
  env: InvokeEnv,
  func: AnyAPIFunction,
  input: unknown,
  session: Session | undefined,
): Promise<unknown> {
  if (!env.createSessionServices) return func(env.singletonServices as never, input as never, session as never)
  return withSessionServices(env, session, {}, (services) => func(services as never, input as never, session as never))
}

async function withSessionServices<T>(
  env: InvokeEnv,
  session: Session | undefined,
  context: InvocationContext,
  run: (services: Record<string, unknown>) => T | Promise<T>,
): Promise<T> {
  const sessionServices = await env.createSessionServices!(env.singletonServices, session, context)
  try {
    return await run({ ...env.singletonServices, ...sessionServices })
  } finally {
    try {
      await sessionServices.close?.()
    } catch (error) {
      env.logger.error('pikku: closing session services failed', error)
    }
  }
}

/** Status and body for a thrown value; unknown throws are logged with their errorId. */
export function describeThrow(env: InvokeEnv, error: unknown, clientRequestId: string | undefined) {
  const errorId = requestId(clientRequestId)
  const described = describeError(error, errorId, env.production)
  if (!described.known) env.logger.error(`pikku: unhandled error (errorId ${errorId})`, error)
  return described
}
