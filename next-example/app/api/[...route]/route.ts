// Every request under /api is routed by the Pikku engine to the `addRoute` wirings
// (with `/api` removed): GET /api/todos, GET /api/todos/1, POST /api/todos.
import { pikku } from '@/pikku/app'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = pikku.routes
