// What every server of the suite shares: the routes, the schemas, the JWT secret and the
// tokens, how a server listens and stops, and (for cold start) the extra routes.
import { createHmac, timingSafeEqual } from 'node:crypto'

/** HS256 secret (46 bytes, above the 32 that HS256 needs). */
export const SECRET = 'bench-secret-that-is-long-enough-for-hs256-000'

/** The three routes: paths as the load generator requests them. */
export const HELLO = '/hello'
export const TODO = '/todos/42'
export const SECURE = '/secure/todos/42'

/** The body of the validated POSTs, and the answer they expect (path id merged in). */
export const BODY = '{"title":"Buy milk","done":false}'
export const ANSWER = { id: 42, title: 'Buy milk', done: false }

/** The JSON body's schema (without the path's id). */
export function bodySchema() {
  return {
    type: 'object',
    properties: { title: { type: 'string', minLength: 1 }, done: { type: 'boolean' } },
    required: ['title'],
    additionalProperties: false,
  }
}

/** The merged input's schema (path id + body), for frameworks that validate one input. */
export function inputSchema() {
  const schema = bodySchema()
  return { ...schema, properties: { id: { type: 'integer' }, ...schema.properties }, required: ['id', 'title'] }
}

const b64 = (value) => Buffer.from(value).toString('base64url')

/** An HS256 JWT with `sub`, `iat` and `exp` (a day ahead). */
export function signToken(claims = {}, secret = SECRET) {
  const now = Math.floor(Date.now() / 1000)
  const head = `${b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64(JSON.stringify({ sub: 'ada', iat: now, exp: now + 86400, ...claims }))}`
  return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`
}

const HS256_HEADER = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))

/** The claims of a valid `Bearer` HS256 token (as `signToken` makes them), or undefined. */
export function verifyBearer(authorization) {
  if (!authorization?.startsWith('Bearer ')) return undefined
  const [head, payload, signature] = authorization.slice(7).split('.')
  if (head !== HS256_HEADER || payload === undefined || signature === undefined) return undefined
  const expected = createHmac('sha256', SECRET).update(`${head}.${payload}`).digest()
  const given = Buffer.from(signature, 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString())
  return typeof claims.exp === 'number' && claims.exp > Date.now() / 1000 ? claims : undefined
}

/** Number of extra validated routes (`POST /extra/<n>/:id`) to add: the cold-start app. */
export const EXTRA_ROUTES = Number(process.env.BENCH_EXTRA_ROUTES ?? 0)
export const extraPath = (n) => `/extra/${n}`

/** Listens on 127.0.0.1 (an OS-chosen port unless PORT), prints `port <n>`, exits on SIGTERM. */
export function listen(server, after) {
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
    process.stdout.write(`port ${server.address().port}\n`)
    after?.()
  })
  stopOnSignal()
}

/**
 * Serves a Fetch API handler with the runtime's own server (`Bun.serve`, `Deno.serve`) on
 * 127.0.0.1, prints `port <n>`, exits on SIGTERM.
 */
export function serveFetch(fetch) {
  const port = Number(process.env.PORT ?? 0)
  const printPort = (n) => process.stdout.write(`port ${n}\n`)
  if (globalThis.Bun) printPort(globalThis.Bun.serve({ port, hostname: '127.0.0.1', fetch }).port)
  else if (globalThis.Deno) globalThis.Deno.serve({ port, hostname: '127.0.0.1', onListen: (address) => printPort(address.port) }, fetch)
  else throw new Error('serveFetch needs Bun or Deno: run this server with one of them')
  stopOnSignal()
}

export function stopOnSignal() {
  for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => process.exit(0))
}

/** Reads a node:http request's body into one Buffer. */
export function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = []
    req.on('data', (chunk) => chunks.push(chunk))
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

/** A Fetch API Request from a node:http request (body read first), for Fetch handlers. */
export async function toWebRequest(req) {
  const headers = new Headers()
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1])
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
  const body = hasBody ? await readBody(req) : undefined
  return new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url}`, { method: req.method, headers, body })
}

/** Writes a Fetch API Response to a node:http response. */
export async function writeWebResponse(res, response) {
  const headers = {}
  response.headers.forEach((value, name) => {
    headers[name] = value
  })
  const body = Buffer.from(await response.arrayBuffer())
  res.writeHead(response.status, headers)
  res.end(body)
}
