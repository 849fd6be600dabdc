// The ceiling of a Fetch API runtime (run under Bun or Deno, on Bun.serve / Deno.serve): the
// raw server's work on Request and Response — routing by hand, JSON.parse, a precompiled ajv
// validator and the HS256 check with node:crypto. Nothing a framework would add.
import Ajv from 'ajv'

import { bodySchema, serveFetch, verifyBearer } from '../shared.mjs'

const validate = new Ajv({ allErrors: true }).compile(bodySchema())
const TODO = /^\/(secure\/)?todos\/(\d+)$/

const send = (status, body) => Response.json(body, { status })

async function todo(request, id, secure) {
  if (secure && verifyBearer(request.headers.get('authorization') ?? undefined) === undefined) return send(401, { message: 'invalid token' })
  let body
  try {
    body = JSON.parse(await request.text())
  } catch {
    return send(400, { message: 'invalid JSON' })
  }
  if (!validate(body)) return send(422, { message: 'invalid body', errors: validate.errors })
  return send(200, { id: Number(id), ...body })
}

serveFetch((request) => {
  const url = request.url
  const path = url.slice(url.indexOf('/', url.indexOf('//') + 2))
  if (request.method === 'GET' && path === '/hello') return send(200, { hello: 'world' })
  const match = request.method === 'POST' ? TODO.exec(path) : null
  if (match) return todo(request, match[2], match[1] !== undefined).catch(() => send(500, {}))
  return send(404, { message: 'not found' })
})
