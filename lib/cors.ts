import type { PikkuMiddleware } from './middleware.js'
import type { HttpRequestInfo } from './types.js'

/** Whether a request is a CORS preflight: `OPTIONS` with `Access-Control-Request-Method`. */
export function isPreflight(request: Pick<HttpRequestInfo, 'method' | 'headers'>): boolean {
  return request.method === 'OPTIONS' && request.headers.get('access-control-request-method') !== undefined
}

/** CORS settings. */
export interface CorsOptions {
  /** Allowed origins: `'*'`, one origin, a list, or a check. */
  origin: '*' | string | readonly string[] | ((origin: string) => boolean)
  /** Methods allowed in preflight (default: GET, HEAD, PUT, PATCH, POST, DELETE). */
  methods?: readonly string[]
  /** Request headers allowed in preflight (default: those the browser asks for). */
  allowedHeaders?: readonly string[]
  /** Response headers exposed to the page. */
  exposedHeaders?: readonly string[]
  /** Allows cookies and Authorization (`origin` cannot then be `'*'`). */
  credentials?: boolean
  /** How long a preflight answer may be cached, in seconds (default 600). */
  maxAge?: number
}

const DEFAULT_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE']

/**
 * CORS middleware. Add it globally so that preflight requests (`OPTIONS` with
 * `Access-Control-Request-Method`) get their 204 on every path, routed or not.
 *
 * ```ts
 * addHTTPMiddleware([cors({ origin: ['https://app.example'], credentials: true })])
 * ```
 */
export function cors(options: CorsOptions): PikkuMiddleware {
  if (options.credentials && options.origin === '*') {
    throw new Error("PIKKU_ERR_CORS: `credentials: true` needs explicit origins; browsers refuse `origin: '*'` with credentials")
  }
  const allows = (origin: string): boolean => {
    const { origin: allowed } = options
    if (allowed === '*') return true
    if (typeof allowed === 'function') return allowed(origin)
    return typeof allowed === 'string' ? allowed === origin : allowed.includes(origin)
  }
  const methods = (options.methods ?? DEFAULT_METHODS).join(', ')
  const middleware: PikkuMiddleware = async (_services, { http }, next) => {
    if (!http) return next()
    const { request, response } = http
    const origin = request.headers.get('origin')
    const preflight = isPreflight(request)
    // The answer depends on these request headers: caches must key on them.
    if (options.origin !== '*') response.header('vary', preflight && !options.allowedHeaders ? 'Origin, Access-Control-Request-Headers' : 'Origin')
    else if (preflight && !options.allowedHeaders) response.header('vary', 'Access-Control-Request-Headers')
    const allowed = origin !== undefined && allows(origin)
    if (allowed) {
      response.header('access-control-allow-origin', options.origin === '*' ? '*' : origin)
      if (options.credentials) response.header('access-control-allow-credentials', 'true')
      if (options.exposedHeaders?.length) response.header('access-control-expose-headers', options.exposedHeaders.join(', '))
    }
    if (!preflight) return next()
    // A preflight is answered here, allowed or not: the browser checks the headers.
    if (allowed) {
      response.header('access-control-allow-methods', methods)
      const asked = request.headers.get('access-control-request-headers')
      const headers = options.allowedHeaders?.join(', ') ?? asked
      if (headers) response.header('access-control-allow-headers', headers)
      response.header('access-control-max-age', String(options.maxAge ?? 600))
    }
    response.status(204)
  }
  return middleware
}
