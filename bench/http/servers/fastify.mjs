// Fastify 5 with its own schema validation (ajv, schemas compiled at start-up) and
// @fastify/jwt for the token. Validation errors answer 422, as every server here does.
import fastifyJwt from '@fastify/jwt'
import Fastify from 'fastify'

import { EXTRA_ROUTES, SECRET, bodySchema, extraPath, listen } from '../shared.mjs'

// removeAdditional: false so that additionalProperties: false rejects (Fastify strips by default).
const app = Fastify({ ajv: { customOptions: { removeAdditional: false, allErrors: true } } })
app.register(fastifyJwt, { secret: SECRET, verify: { algorithms: ['HS256'] } })
app.setErrorHandler((error, request, reply) => {
  const status = error.validation ? 422 : (error.statusCode ?? 500)
  reply.code(status).send({ message: error.message })
})

const schema = () => ({
  params: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
  body: bodySchema(),
})
const todo = async (request) => ({ id: request.params.id, ...request.body })
async function authenticate(request) {
  await request.jwtVerify()
}

app.get('/hello', async () => ({ hello: 'world' }))
app.post('/todos/:id', { schema: schema() }, todo)
app.post('/secure/todos/:id', { schema: schema(), onRequest: authenticate }, todo)
for (let n = 0; n < EXTRA_ROUTES; n++) app.post(`${extraPath(n)}/:id`, { schema: schema() }, todo)

await app.ready()
listen(app.server)
