/**
 * What middleware and functions may set on an HTTP answer, one rule for every adapter,
 * checked at the call so that the error points at the code that made it: a status from 200
 * to 599; a header name that is an HTTP token and not one the server owns (the body's framing
 * and the connection's); a value that is a string or a finite number, in Latin-1 (a byte per
 * character, as HTTP carries them) without line breaks.
 */

/** Headers the server writes itself: set by a function, they would desynchronize the connection. */
const SERVER_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'trailer'])

/** An HTTP token (RFC 9110 §5.6.2). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/** Characters a header value cannot carry: controls but tab, and anything above Latin-1. */
const NOT_IN_VALUE = /[\u0000-\u0008\u000a-\u001f\u007f\u0100-\uffff]/

/** `code`, if a function or middleware may answer with it; else a TypeError saying why. */
export function checkedStatus(code: unknown): number {
  if (typeof code === 'number' && Number.isInteger(code) && code >= 200 && code <= 599) return code
  throw new TypeError(
    `response.status(${describe(code)}): a function or middleware answers with a status from 200 to 599 (1xx are the server's to send; a redirect is a 3xx with a location header)`,
  )
}

/** The header's name (lower-case) and value as every adapter sends them; else a TypeError. */
export function checkedHeader(name: unknown, value: unknown): [string, string] {
  if (typeof name !== 'string' || !TOKEN.test(name)) {
    throw new TypeError(`response.header(${describe(name)}, …): a header name is a token of letters, digits and !#$%&'*+-.^_\`|~`)
  }
  const lower = name.toLowerCase()
  if (SERVER_HEADERS.has(lower)) {
    throw new TypeError(`response.header('${lower}', …): the server sets ${lower} itself (it frames the body or the connection); leave it out`)
  }
  let text: string
  if (typeof value === 'string') text = value
  else if (typeof value === 'number' && Number.isFinite(value)) text = String(value)
  else throw new TypeError(`response.header('${lower}', ${describe(value)}): a header value is a string (or a finite number)`)
  const bad = NOT_IN_VALUE.exec(text)
  if (bad) {
    const char = bad[0].codePointAt(0)!.toString(16).padStart(4, '0')
    throw new TypeError(
      `response.header('${lower}', …): U+${char} at index ${bad.index} cannot be sent in a header (values are Latin-1 without line breaks); encode it, e.g. with encodeURIComponent`,
    )
  }
  return [lower, text]
}

/** Whether `text` is all ASCII (else an adapter must send it byte per character). */
export function isAscii(text: string): boolean {
  return !/[^\u0000-\u007f]/.test(text)
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
  if (typeof value === 'bigint') return `${value}n`
  if (value === null || typeof value !== 'object') return String(value)
  return Array.isArray(value) ? 'an array' : 'an object'
}
