// The reference Pikku runtime, @pikku/core 0.12.37 from the npm registry (the newest that runs
// on Node 20). Its adapters and its code generator for this core are not published there, so
// this file does by hand what they do: it registers the function, route and schema metadata
// that `pikku` would generate, supplies the two services that @pikku/schema-ajv and
// @pikku/jose would (ajv 8, and jose's jwtVerify), and serves through a node:http ⇄ Fetch
// bridge into `fetchData`, as @pikku/node-http-server does.
//
// The reference core coerces no numbers: a path parameter reaches the schema as a string, so
// its schema says `id: string` (digits) and the function turns it into a number.
import { createServer } from 'node:http'

import { setSingletonServices } from '@pikku/core'
import { InvalidSessionError, UnprocessableContentError } from '@pikku/core/errors'
import { PikkuFetchHTTPResponse, fetchData, wireHTTP } from '@pikku/core/http'
import { pikkuState } from '@pikku/core/internal'
import { authBearer } from '@pikku/core/middleware'
import { addSchema, compileAllSchemas } from '@pikku/core/schema'
import Ajv from 'ajv'
import { jwtVerify } from 'jose'

import { EXTRA_ROUTES, SECRET, bodySchema, extraPath, listen, toWebRequest, writeWebResponse } from '../shared.mjs'

/** What @pikku/schema-ajv does: ajv 8, validators compiled once and cached by name. */
class AjvSchemaService {
  ajv = new Ajv({ allErrors: true, coerceTypes: false, useDefaults: true, removeAdditional: false })
  validators = new Map()
  compileSchema(name, schema) {
    if (!this.validators.has(name)) this.validators.set(name, this.ajv.compile(schema))
  }
  validateSchema(name, data) {
    const validate = this.validators.get(name)
    if (!validate(data)) throw new UnprocessableContentError(this.ajv.errorsText(validate.errors))
  }
  getSchemaNames() {
    return new Set(this.validators.keys())
  }
  getSchemaKeys(name) {
    return Object.keys(this.validators.get(name)?.schema?.properties ?? {})
  }
}

/** What @pikku/jose's JWT service does for HS256: jwtVerify with the secret's bytes. */
class JoseJWTService {
  secret = new TextEncoder().encode(SECRET)
  async decode(token) {
    try {
      return (await jwtVerify(token, this.secret, { algorithms: ['HS256'] })).payload
    } catch {
      throw new InvalidSessionError()
    }
  }
}

const levels = () => {}
const logger = { info: levels, warn: levels, error: (...args) => console.error(...args), debug: levels, trace: levels, setLevel: levels }
setSingletonServices({ logger, schema: new AjvSchemaService(), jwt: new JoseJWTService(), config: {} })

const inputSchema = () => {
  const schema = bodySchema()
  return { ...schema, properties: { id: { type: 'string', pattern: '^[0-9]+$' }, ...schema.properties }, required: ['id', 'title'] }
}
const httpMeta = pikkuState(null, 'http', 'meta')
const functionMeta = pikkuState(null, 'function', 'meta')
function route(method, path, name, { sessionless = true, input = null, middleware, func }) {
  functionMeta[name] = { pikkuFuncId: name, inputSchemaName: input, outputSchemaName: null, sessionless }
  httpMeta[method][path] = { pikkuFuncId: name, route: path, method }
  if (input) addSchema(input, inputSchema())
  wireHTTP({ method, route: path, func: { func }, auth: !sessionless, middleware })
}
const todo = async (_services, data) => ({ ...data, id: Number(data.id) })

route('get', '/hello', 'hello', { func: async () => ({ hello: 'world' }) })
route('post', '/todos/:id', 'todo', { input: 'TodoInput', func: todo })
route('post', '/secure/todos/:id', 'secureTodo', { input: 'TodoInput', sessionless: false, middleware: [authBearer()], func: todo })
for (let n = 0; n < EXTRA_ROUTES; n++) route('post', `${extraPath(n)}/:id`, `extra${n}`, { input: `Extra${n}Input`, func: todo })
compileAllSchemas(logger)

const server = createServer((req, res) => {
  toWebRequest(req)
    .then(async (request) => {
      const response = new PikkuFetchHTTPResponse()
      await fetchData(request, response, { respondWith404: true })
      await writeWebResponse(res, response.toResponse())
    })
    .catch((error) => {
      logger.error(error)
      res.writeHead(500)
      res.end()
    })
})
listen(server)
