// One cold start, in a process of its own: loads a Lambda handler module — ours
// (`@pikku/native/lambda` over an app with one validated route) or a plain handler running the
// same function after ajv's check — and answers one API Gateway REST event (a validated POST).
// Prints `{ loadMs, firstAnswerMs }` as JSON: milliseconds from the process's start to the
// handler being ready, and to its first answer.
//
//   node bench/lambda/invoke.mjs ours|plain
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const event = JSON.parse(readFileSync(new URL('../../__test__/fixtures/lambda/rest-api-post-base64.json', import.meta.url), 'utf8'))

/** The function every side runs: a todo made from the validated input. */
function createTodo(input) {
  return { id: 1, completed: false, ...input }
}

const schema = {
  type: 'object',
  properties: { title: { type: 'string', minLength: 1, maxLength: 200 }, completed: { type: 'boolean' } },
  required: ['title'],
  additionalProperties: false,
}

const handler = process.argv[2] === 'ours' ? ours() : plain()
const loadMs = performance.now()
const result = await handler(event)
const firstAnswerMs = performance.now()
if (result.statusCode !== 200) throw new Error(`answered ${result.statusCode}: ${result.body}`)
console.log(JSON.stringify({ loadMs, firstAnswerMs }))

function ours() {
  const { createApp, pikkuSessionlessFunc } = require('@pikku/native')
  const { createHttpHandler } = require('@pikku/native/lambda')
  const func = pikkuSessionlessFunc({ name: 'createTodo', input: schema, func: async (_services, input) => createTodo(input) })
  const app = createApp({ routes: [{ method: 'post', route: '/todos', func, auth: false }] })
  return createHttpHandler(app)
}

function plain() {
  const Ajv = require('ajv')
  const validate = new Ajv().compile(schema)
  return async (lambdaEvent) => {
    const text = lambdaEvent.isBase64Encoded ? Buffer.from(lambdaEvent.body, 'base64').toString() : lambdaEvent.body
    let input
    try {
      input = JSON.parse(text)
    } catch {
      return { statusCode: 400, body: '{"message":"bad JSON"}' }
    }
    if (!validate(input)) return { statusCode: 422, body: JSON.stringify({ errors: validate.errors }) }
    return { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(createTodo(input)) }
  }
}
