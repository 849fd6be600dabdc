// A body a framework's parser already read (Express's `express.json()`, Fastify's content-type
// parsers), turned back into bytes, so that the engine parses, coerces and checks it as it
// would the original.
import { BadRequestError } from '../errors.js'
import type { HttpRequestLike } from './answer.js'

/**
 * The bytes of a parsed body: bytes and strings as they are, a parsed form as its pairs (when
 * `isForm` and flat), anything else as JSON (with its content type, since the original may
 * have been another type the parser turned into an object).
 */
export function bytesOfParsed(parsed: unknown, isForm: boolean): { body: Uint8Array; contentType?: string } {
  if (parsed instanceof Uint8Array) return { body: parsed }
  if (typeof parsed === 'string') return { body: Buffer.from(parsed) }
  try {
    if (isForm) {
      const form = formPairs(parsed)
      if (form) return { body: Buffer.from(form.toString()) }
    }
    return { body: Buffer.from(JSON.stringify(parsed)), contentType: 'application/json' }
  } catch {
    throw new BadRequestError('The body parsed by the framework could not be read again (nested too deeply)')
  }
}

/** A parsed form as repeated `key=value` pairs, or undefined when it holds nested objects. */
function formPairs(parsed: unknown): URLSearchParams | undefined {
  if (typeof parsed !== 'object' || parsed === null) return undefined
  const pairs = new URLSearchParams()
  for (const [key, value] of Object.entries(parsed)) {
    const values = Array.isArray(value) ? value : [value]
    for (const item of values) {
      if (typeof item !== 'string') return undefined
      pairs.append(key, item)
    }
  }
  return pairs
}

/** `request` with the content type of a rebuilt body in place of its own. */
export function withContentType(request: HttpRequestLike, contentType: string): HttpRequestLike {
  return { ...request, headers: { get: (name: string) => (name === 'content-type' ? contentType : request.headers.get(name)) } }
}
