// Requests made outside the load generator: the answer checks before a server is measured,
// and the cold-start request. Plain node:http with no agent, so nothing is pooled or lazy.
import { request } from 'node:http'
import { isDeepStrictEqual } from 'node:util'

import { ANSWER, BODY, HELLO, SECURE, TODO, signToken } from '../shared.mjs'

/** One request; resolves to `{ status, body }` (the body parsed as JSON when it is JSON). */
export function send(port, method, path, { body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, agent: false, headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers } }, (res) => {
      const chunks = []
      res.on('data', (chunk) => chunks.push(chunk))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString()
        let parsed = text
        try {
          parsed = JSON.parse(text)
        } catch {}
        resolve({ status: res.statusCode, body: parsed })
      })
    })
    req.setTimeout(10_000, () => req.destroy(new Error(`${method} ${path}: no answer in 10 s`)))
    req.on('error', reject)
    req.end(body)
  })
}

const token = signToken()
const [head, payload] = token.split('.')
const tampered = `${head}.${Buffer.from(JSON.stringify({ sub: 'root', exp: 4102444800 })).toString('base64url')}.${token.split('.')[2]}`
const auth = (t) => ({ authorization: `Bearer ${t}` })

/** What each route must answer before it is measured. */
const CASES = [
  ['GET /hello', 'GET', HELLO, {}, 200, { hello: 'world' }],
  ['POST /todos/42', 'POST', TODO, { body: BODY }, 200, ANSWER],
  ['POST /todos/42, empty title', 'POST', TODO, { body: '{"title":""}' }, 422],
  ['POST /todos/42, unknown key', 'POST', TODO, { body: '{"title":"x","extra":1}' }, 422],
  ['POST /secure/todos/42', 'POST', SECURE, { body: BODY, headers: auth(token) }, 200, ANSWER],
  ['POST /secure/todos/42, tampered token', 'POST', SECURE, { body: BODY, headers: auth(tampered) }, 401],
  ['POST /secure/todos/42, empty title', 'POST', SECURE, { body: '{"title":""}', headers: auth(token) }, 422],
]

/** The problems found (empty when every answer is right). */
export async function checkAnswers(port) {
  const problems = []
  for (const [name, method, path, options, status, expected] of CASES) {
    const answer = await send(port, method, path, options).catch((error) => ({ status: 0, body: error.message }))
    if (answer.status !== status || (expected !== undefined && !isDeepStrictEqual(answer.body, expected))) {
      problems.push(`${name}: expected ${status}${expected ? ` ${JSON.stringify(expected)}` : ''}, got ${answer.status} ${JSON.stringify(answer.body)}`)
    }
  }
  return problems
}

/** The load generator's requests, by route name. */
export const LOADS = {
  hello: { label: 'GET /hello', method: 'GET', path: HELLO, headers: {} },
  todo: { label: 'POST /todos/:id (validated)', method: 'POST', path: TODO, body: BODY, headers: { 'content-type': 'application/json' } },
  secure: { label: 'POST /secure/todos/:id (JWT + validated, "full")', method: 'POST', path: SECURE, body: BODY, headers: { 'content-type': 'application/json', ...auth(token) } },
}
