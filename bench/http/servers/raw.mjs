// The ceiling: node:http with hand-written routing, JSON.parse, a precompiled ajv validator
// and an HS256 check with node:crypto. Nothing a framework would add.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'

import Ajv from 'ajv'

import { SECRET, bodySchema, listen, readBody } from '../shared.mjs'

const validate = new Ajv({ allErrors: true }).compile(bodySchema())
const TODO = /^\/(secure\/)?todos\/(\d+)$/
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url')

function send(res, status, body) {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

/** The claims of a valid `Bearer` HS256 token, or undefined. */
function verify(authorization) {
  if (!authorization?.startsWith('Bearer ')) return undefined
  const [head, payload, signature] = authorization.slice(7).split('.')
  if (head !== HEADER || payload === undefined || signature === undefined) return undefined
  const expected = createHmac('sha256', SECRET).update(`${head}.${payload}`).digest()
  const given = Buffer.from(signature, 'base64url')
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString())
  return typeof claims.exp === 'number' && claims.exp > Date.now() / 1000 ? claims : undefined
}

async function todo(req, res, id, secure) {
  if (secure && verify(req.headers.authorization) === undefined) return send(res, 401, { message: 'invalid token' })
  let body
  try {
    body = JSON.parse(await readBody(req))
  } catch {
    return send(res, 400, { message: 'invalid JSON' })
  }
  if (!validate(body)) return send(res, 422, { message: 'invalid body', errors: validate.errors })
  send(res, 200, { id: Number(id), ...body })
}

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/hello') return send(res, 200, { hello: 'world' })
  const match = req.method === 'POST' ? TODO.exec(req.url) : null
  if (match) return void todo(req, res, match[2], match[1] !== undefined).catch(() => send(res, 500, {}))
  send(res, 404, { message: 'not found' })
})
listen(server)
