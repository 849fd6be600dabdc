/**
 * The app's own types, declared once by module augmentation:
 *
 * ```ts
 * declare module '@pikku/native' {
 *   interface PikkuTypes {
 *     services: AppServices
 *     session: AppSession
 *   }
 * }
 * ```
 *
 * Every definer (`APIFunction`, `pikkuFunc`, …) then sees them without repeating generics.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface PikkuTypes {}

/** The session shape used when the app declares none. */
export interface CoreSession {
  userId?: string
  [key: string]: unknown
}

/** The services shape used when the app declares none. */
export type CoreServices = Record<string, unknown>

/** The app's services (singletons merged with session services). */
export type Services = PikkuTypes extends { services: infer S } ? S : CoreServices

/** The app's session. */
export type Session = PikkuTypes extends { session: infer S } ? S : CoreSession

/** A function that needs a session: `auth` routes answer 401 without one. */
export type APIFunction<In = unknown, Out = unknown> = (
  services: Services,
  data: In,
  session: Session,
) => Promise<Out> | Out

/** A function that runs with or without a session. */
export type APIFunctionSessionless<In = unknown, Out = unknown> = (
  services: Services,
  data: In,
  session: Session | undefined,
) => Promise<Out> | Out

/** Any function the framework can run. */
export type AnyAPIFunction = APIFunction<any, any> | APIFunctionSessionless<any, any>

/** The input type of a function. */
export type InputOf<F> = F extends (services: any, data: infer In, session: any) => any ? In : never

/** The output type of a function (awaited). */
export type OutputOf<F> = F extends (services: any, data: any, session: any) => infer Out ? Awaited<Out> : never

/** Read access to request headers (names are lower-case). */
export interface RequestHeaders {
  get(name: string): string | undefined
}

/** What one invocation runs for; given to the session services factory. */
export interface InvocationContext {
  http?: {
    /** The request as received. */
    request: { method: string; url: string; headers: RequestHeaders }
    /** Response settings the function can change. */
    response: {
      /** Sets the status of a successful answer (default 200, or 204 without a body). */
      status(code: number): void
      /** Sets a response header. */
      header(name: string, value: string): void
    }
  }
}

/** Services made per invocation; `close` runs when the invocation ends, even on a throw. */
export type SessionServices = Record<string, unknown> & { close?: () => void | Promise<void> }
