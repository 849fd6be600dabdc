import type { HttpRequestInfo, Session, UserSessionService } from './types.js'

/** The app's `enrichSession` hook. */
export type SessionHook = (session: Session | undefined, request: HttpRequestInfo, singletons: any) => Session | undefined | Promise<Session | undefined>

/** The session of one invocation, remembering whether a function replaced or ended it. */
export class SessionTracker implements UserSessionService {
  /** Whether `set` or `clear` was called. */
  changed = false

  constructor(private session: Session | undefined) {}

  /** The session: the decoded one, or what `set` stored. */
  get(): Session | undefined {
    return this.session
  }

  /** Stores a new session (an object). */
  set(session: Session): void {
    if (session === null || typeof session !== 'object' || Array.isArray(session)) {
      throw new TypeError('userSession.set() takes the session object')
    }
    this.session = session
    this.changed = true
  }

  /** Ends the session. */
  clear(): void {
    this.session = undefined
    this.changed = true
  }
}

/** What a session hook returned, as a session: an object, or none for `undefined`/`null`/`false`/`''`. */
export function checkedSession(value: unknown): Session | undefined {
  if (value === undefined || value === null || value === false || value === '') return undefined
  if (typeof value === 'object' && !Array.isArray(value)) return value as Session
  throw new TypeError(`PIKKU_ERR_SESSION: enrichSession returned ${Array.isArray(value) ? 'an array' : `a ${typeof value}`}; return the session object, or undefined for none`)
}

/** `userSession` of an in-process call: there is no response to carry a cookie. */
export function inProcessSession(session: Session | undefined): UserSessionService {
  const refuse = () => {
    throw new Error('PIKKU_ERR_SESSION: userSession.set() and clear() need an HTTP request to carry the cookie; call the function through a route')
  }
  return { get: () => session, set: refuse, clear: refuse }
}

/** The session after the app's `enrichSession` hook, checked to be a session or none. */
export async function enrichedSession(
  hook: SessionHook,
  session: Session | undefined,
  request: HttpRequestInfo,
  singletons: unknown,
): Promise<Session | undefined> {
  return checkedSession(await hook(session, { method: request.method, url: request.url, headers: request.headers }, singletons))
}
