import type { EventStreamOptions } from './http/event-stream.js'
import { NEVER_ABORTED, type Deadline, type Deadlines } from './deadlines.js'
import { describeError } from './errors.js'
import { functionMeta } from './functions.js'
import { deniedBy, permissionDenied, type Permission, type PermissionPlan, type Permissions } from './permissions.js'
import { requestId } from './native.js'
import { internalErrorAnswer, JSON_TYPE, type HttpAnswer, type HttpRequestLike } from './http/answer.js'
import { rpcInvoker, type RPCFunctionTable, type RunByName } from './rpc.js'
import type { AnyAPIFunction, InvocationContext, Logger, Session, SessionServices, UserSessionService } from './types.js'

/** What running a function needs from the app. */
export interface InvokeEnv {
  singletonServices: Record<string, unknown>
  createSessionServices:
    | ((singletons: any, session: Session | undefined, context: InvocationContext) => SessionServices | Promise<SessionServices>)
    | undefined
  production: boolean
  logger: Logger
  /** The running invocations with a time limit. */
  deadlines: Deadlines
  /** The limit of an HTTP request's middleware and function, unless its route sets one (0: none). */
  timeoutMs: number
  /** The prototype of every invocation's services: the singletons, and `signal`. */
  servicesProto: object
  /** How `sse: true` routes stream. */
  eventStreams: Required<EventStreamOptions>
  /** How functions call each other by name. */
  rpc: RPCEnv
}

/** Where an invocation's services keep its deadline, and how deep in calls by name it runs. */
const DEADLINE = Symbol('pikku.deadline')
const RPC_DEPTH = Symbol('pikku.rpcDepth')

/** How an app's functions call each other by name; set once the app is made. */
export interface RPCEnv {
  table?: RPCFunctionTable
  run?: RunByName
}

/**
 * The prototype of an app's invocation services: its singletons, and `signal`, an
 * `AbortSignal` aborted when the invocation runs past its time limit (never, without one).
 */
export function servicesPrototype(singletons: Record<string, unknown>, rpc: RPCEnv): object {
  const proto = Object.create(singletons) as object
  Object.defineProperty(proto, 'signal', {
    get(this: { [DEADLINE]?: Deadline }) {
      return this[DEADLINE]?.signal ?? NEVER_ABORTED
    },
  })
  Object.defineProperty(proto, 'rpc', {
    get(this: { [RPC_DEPTH]?: number; userSession?: UserSessionService }) {
      // Made when asked for: most invocations call nothing by name.
      return rpcInvoker(rpc.table!, rpc.run!, () => this.userSession?.get(), this[RPC_DEPTH] ?? 0)
    },
  })
  return proto
}

/** What one invocation of `func` must pass: the app's checks, the route's (if any), the function's. */
export function permissionPlan(global: readonly Permission[], func: AnyAPIFunction, route?: Permissions): PermissionPlan {
  const levels = [route, functionMeta(func)?.permissions].filter((p) => p !== undefined)
  return { global, levels }
}

/**
 * Permissions, then the function, with an input the engine already checked: the one order
 * every invocation keeps (HTTP, in-process calls, channel messages, tasks, jobs).
 */
export async function runChecked(
  env: InvokeEnv,
  plan: PermissionPlan,
  label: string,
  func: AnyAPIFunction,
  input: unknown,
  session: Session | undefined,
  context: InvocationContext,
  deadline?: Deadline,
): Promise<unknown> {
  if (plan.global.length > 0 || plan.levels.length > 0) {
    const denied = await deniedBy(plan, env.singletonServices, input, session)
    if (denied !== undefined) throw permissionDenied(label, denied, env.production)
  }
  return invokeFunction(env, func, input, session, context, deadline)
}

/**
 * Runs `func` with its services: `userSession` and the session services made for this
 * invocation (closed exactly once when it ends, also on a throw), over the singletons (the
 * prototype: not copied per invocation).
 */
export function invokeFunction(
  env: InvokeEnv,
  func: AnyAPIFunction,
  input: unknown,
  session: Session | undefined,
  context: InvocationContext,
  deadline?: Deadline,
): Promise<unknown> {
  if (env.createSessionServices) return invokeWithSessionServices(env, env.createSessionServices, func, input, session, context, deadline)
  // The singletons as prototype: no copy of them per invocation.
  const services = Object.create(env.servicesProto) as Record<string | symbol, unknown>
  services.userSession = context.userSession
  services[DEADLINE] = deadline // always set: one shape for every invocation's services
  // What only some invocations have is set only on theirs: the common one keeps its shape.
  if (context.rpcDepth !== undefined) services[RPC_DEPTH] = context.rpcDepth
  if (context.channel) services.channel = context.channel
  else if (context.events) services.channel = context.events
  if (context.files) services.files = context.files
  try {
    // The function's own promise, not one wrapping it: no extra turns of the microtask queue.
    return Promise.resolve(func(services as never, input as never, session as never))
  } catch (error) {
    return Promise.reject(error)
  }
}

async function invokeWithSessionServices(
  env: InvokeEnv,
  createSessionServices: NonNullable<InvokeEnv['createSessionServices']>,
  func: AnyAPIFunction,
  input: unknown,
  session: Session | undefined,
  context: InvocationContext,
  deadline: Deadline | undefined,
): Promise<unknown> {
  const sessionServices = await createSessionServices(env.singletonServices, session, context)
  try {
    const channel = context.channel ?? context.events
    const framework: Record<string, unknown> = channel ? { userSession: context.userSession, channel } : { userSession: context.userSession }
    if (context.files) framework.files = context.files
    const services = Object.assign(Object.create(env.servicesProto) as Record<string | symbol, unknown>, framework, sessionServices)
    if (deadline) services[DEADLINE] = deadline
    if (context.rpcDepth) services[RPC_DEPTH] = context.rpcDepth
    return await func(services as never, input as never, session as never)
  } finally {
    try {
      await sessionServices.close?.()
    } catch (error) {
      env.logger.error('pikku: closing session services failed', error)
    }
  }
}

/** The HTTP answer for a thrown value, through the error table. */
export function answerForThrow(env: InvokeEnv, error: unknown, clientRequestId: string | undefined): HttpAnswer {
  const { status, body } = describeThrow(env, error, clientRequestId)
  return { status, headers: { 'content-type': JSON_TYPE }, body: JSON.stringify(body) }
}

/** Status and body for a thrown value; unknown throws are logged with their errorId. */
export function describeThrow(env: InvokeEnv, error: unknown, clientRequestId: string | undefined) {
  const errorId = requestId(clientRequestId)
  const described = describeError(error, errorId, env.production)
  if (!described.known) {
    try {
      env.logger.error(`pikku: unhandled error (errorId ${errorId})`, error)
    } catch {
      // a logger that throws must not turn an answer into a crash
    }
  }
  return described
}

/**
 * The answer for a failure outside any function (a broken request stream, a bug in an
 * adapter): logged, and a 500 through the error table. It never throws: an error that cannot
 * even be described (a BigInt in its payload, say) is a plain 500.
 */
export function failureAnswer(env: InvokeEnv, error: unknown, request: HttpRequestLike): HttpAnswer {
  try {
    return answerForThrow(env, error, request.headers.get('x-request-id'))
  } catch {
    return internalErrorAnswer()
  }
}
