import type { Session, UserSessionService } from './types.js'

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
