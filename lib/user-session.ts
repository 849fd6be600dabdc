import type { Session, UserSessionService } from './types.js'

/** The session of one invocation, remembering whether a function replaced or ended it. */
export class SessionTracker implements UserSessionService {
  /** Whether `set` or `clear` was called. */
  changed = false

  constructor(private session: Session | undefined) {}

  get(): Session | undefined {
    return this.session
  }

  set(session: Session): void {
    if (session === null || typeof session !== 'object' || Array.isArray(session)) {
      throw new TypeError('userSession.set() takes the session object')
    }
    this.session = session
    this.changed = true
  }

  clear(): void {
    this.session = undefined
    this.changed = true
  }
}
