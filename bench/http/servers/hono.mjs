// Hono 4 on @hono/node-server, a precompiled ajv validator through hono's validator and
// hono/jwt for the token, given a CryptoKey imported once (with the secret as a string, as its
// docs show, it imports the key into WebCrypto on every request).
import { createAdaptorServer } from '@hono/node-server'
import Ajv from 'ajv'
import { Hono } from 'hono'
import { jwt } from 'hono/jwt'
import { validator } from 'hono/validator'

import { SECRET, bodySchema, listen } from '../shared.mjs'

const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
const validate = new Ajv({ allErrors: true }).compile(bodySchema())
const app = new Hono()

const body = validator('json', (value, c) => (validate(value) ? value : c.json({ message: 'invalid body', errors: validate.errors }, 422)))
const id = validator('param', (value, c) => (/^\d+$/.test(value.id) ? { id: Number(value.id) } : c.json({ message: 'id must be an integer' }, 422)))
const todo = (c) => c.json({ ...c.req.valid('param'), ...c.req.valid('json') })

app.get('/hello', (c) => c.json({ hello: 'world' }))
app.post('/todos/:id', id, body, todo)
app.post('/secure/todos/:id', jwt({ secret: key, alg: 'HS256' }), id, body, todo)

listen(createAdaptorServer({ fetch: app.fetch }))
