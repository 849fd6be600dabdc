// The app's types, declared once: every definer sees these services and this session.
import type { TodoStore } from './store.js'

declare module '@pikku/native' {
  interface PikkuTypes {
    services: { store: TodoStore }
    session: { userId: string }
  }
}
