// The ceiling: node:http with hand-written routing, JSON.parse, a precompiled ajv validator
// and an HS256 check with node:crypto. Nothing a framework would add.
import { createServer } from 'node:http'

import Ajv from 'ajv'

import { bodySchema, listen, readBody, verifyBearer } from '../shared.mjs'

const validate = new Ajv({ allErrors: true }).compile(bodySchema())
const TODO = /^\/(secure\/)?todos\/(\d+)$/

function send(res, status, body) {
  const text = JSON.stringify(body)
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
  res.end(text)
}

async function todo(req, res, id, secure) {
  if (secure && verifyBearer(req.headers.authorization) === undefined) return send(res, 401, { message: 'invalid token' })
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
