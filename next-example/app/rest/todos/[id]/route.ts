// A file route: Next routes the request, and its `[id]` segment becomes getTodo's `id`
// (the string "3" is coerced to the integer 3 by the function's schema).
import { getTodo, pikku } from '@/pikku/app'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

export const GET = pikku.route(getTodo, { auth: false })
