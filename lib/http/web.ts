import { readsBody } from './node.js'
import type { HttpAnswer, HttpRequestLike } from './answer.js'
import { BodyBuffer } from './body-buffer.js'

/** Reads a Fetch API request body up to `limit` bytes; `null` when it is larger. */
export async function readWebBody(request: Request, limit: number): Promise<Uint8Array | null> {
  if (!readsBody(request.method) || request.body === null) return new Uint8Array(0)
  if (Number(request.headers.get('content-length')) > limit) return null
  const reader = request.body.getReader()
  const body = new BodyBuffer(limit, Number(request.headers.get('content-length') ?? NaN))
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return body.bytes()
    if (!body.add(value)) {
      await reader.cancel()
      return null
    }
  }
}

/** The request descriptor of a Fetch API request; `url` is the path and query to route. */
export function webRequest(request: Request, url: string): HttpRequestLike {
  return {
    method: request.method,
    url,
    headers: { get: (name: string) => request.headers.get(name) ?? undefined },
  }
}

/** The Fetch API response for an answer. */
export function webResponse(method: string, answer: HttpAnswer): Response {
  const body = method === 'HEAD' || answer.status === 204 ? null : (answer.body ?? null)
  const headers = new Headers()
  for (const [name, value] of Object.entries(answer.headers ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one)
  }
  return new Response(body, { status: answer.status, headers })
}

/** The path and query of `request`, without `basePath`. */
export function pathAndQuery(request: Request, basePath = ''): string {
  const url = new URL(request.url)
  let path = url.pathname
  if (basePath && (path === basePath || path.startsWith(basePath + '/'))) path = path.slice(basePath.length) || '/'
  return path + url.search
}
