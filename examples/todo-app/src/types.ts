// The app's types, declared once: every definer sees these services and this session.
import type { PikkuChannel, Queues, UserSessionService } from '@pikku/native'

import type { announceTodo } from './functions.js'
import type { TodoStore } from './store.js'

declare module '@pikku/native' {
  interface PikkuTypes {
    /** `channel` is there when a function runs for a WebSocket message. */
    services: { store: TodoStore; queues: Queues; userSession: UserSessionService; channel?: PikkuChannel }
    session: { userId: string }
  }
  interface PikkuQueueMap {
    'todo-created': typeof announceTodo
  }
}
