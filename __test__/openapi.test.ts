// The OpenAPI 3.1 document `pikku` writes when `pikku.config.json` has an `openapi` key: it
// passes a real OpenAPI validator and describes the routes as the engine answers them.
import { spawnSync } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Validator } from '@seriousme/openapi-schema-validator'
import { beforeAll, describe, expect, it } from 'vitest'

const root = join(__dirname, '..')
const app = join(__dirname, 'fixtures/openapi-app')
const documentPath = join(app, '.pikku/openapi.json')
const pikku = (cwd = app) => spawnSync(process.execPath, [join(root, 'packages/cli/bin/pikku.js')], { cwd, encoding: 'utf8' })
/** A copy of the app without its output, to change. */
const copyApp = () => {
  const project = mkdtempSync(join(tmpdir(), 'pikku-openapi-'))
  cpSync(app, project, { recursive: true, filter: (source) => !source.includes('.pikku') })
  return project
}

type Json = Record<string, any>

describe('pikku OpenAPI document', () => {
  let text = ''
  let doc: Json = {}

  beforeAll(() => {
    rmSync(join(app, '.pikku'), { recursive: true, force: true })
    const run = pikku()
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toContain('.pikku/openapi.json')
    text = readFileSync(documentPath, 'utf8')
    doc = JSON.parse(text)
  })

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator()
    const result = await validator.validate(structuredClone(doc))
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    expect(validator.version).toBe('3.1')
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.info).toEqual({ title: 'Todos', version: '1.0.0', description: 'The OpenAPI test app.' })
    // Every `$ref` points at something that exists.
    const refs = [...text.matchAll(/"\$ref": "#\/components\/(\w+)\/([\w.-]+)"/g)]
    expect(refs.length).toBeGreaterThan(10)
    for (const [, kind, name] of refs) expect(doc.components[kind!]?.[name!], `${kind}/${name}`).toBeDefined()
  })

  it('types path and query parameters with their real types', () => {
    const get = doc.paths['/todos/{id}'].get
    expect(get.operationId).toBe('getTodo')
    expect(get.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'integer' } },
      { name: 'verbose', in: 'query', required: false, schema: { type: 'boolean' } },
    ])
    expect(get.requestBody).toBeUndefined()
    expect(doc.paths['/todos'].get.parameters).toContainEqual({ name: 'limit', in: 'query', required: true, schema: { type: 'integer' } })
  })

  it('sends the non-path input as the request body, the output as 200, no output as 204', () => {
    const post = doc.paths['/todos'].post
    expect(post.parameters).toBeUndefined()
    expect(post.requestBody.required).toBe(true)
    expect(post.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CreateTodoInput' })
    expect(post.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CreateTodoOutput' })
    expect(post.responses['422']).toEqual({ $ref: '#/components/responses/UnprocessableContent' })
    const patch = doc.paths['/todos/{id}'].patch
    expect(patch.parameters.map((p: Json) => p.name)).toEqual(['id'])
    expect(Object.keys(patch.requestBody.content['application/json'].schema.properties)).not.toContain('id')
    const remove = doc.paths['/todos/{id}'].delete
    expect(remove.responses['204']).toEqual({ description: 'Success, no content' })
    expect(remove.responses['200']).toBeUndefined()
    expect(doc.components.schemas.ErrorBody.required).toEqual(['name', 'errorId'])
  })

  it('describes an event stream as text/event-stream, each event a JSON output', () => {
    const watch = doc.paths['/todos/events'].get
    const stream = watch.responses['200'].content['text/event-stream']
    expect(stream.schema).toEqual({ type: 'string' })
    expect(stream['x-pikku-event']).toEqual({ $ref: '#/components/schemas/WatchTodosOutput' })
    expect(watch.responses['204'].description).toMatch(/Nothing to stream/)
  })

  it('describes each exposed function at POST /rpc/<name>, its input as `data`', () => {
    const rpc = doc.paths['/rpc/renameTodo'].post
    expect(rpc.operationId).toBe('rpc_renameTodo')
    expect(rpc.requestBody.content['application/json'].schema).toEqual({
      type: 'object',
      additionalProperties: false,
      properties: { data: { $ref: '#/components/schemas/RenameTodoInput' } },
      required: ['data'],
    })
    expect(rpc.responses['200'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/RenameTodoOutput' })
    expect(rpc.responses['401']).toBeDefined() // it needs a session
    expect(Object.keys(doc.paths).filter((path) => path.startsWith('/rpc/'))).toEqual(['/rpc/renameTodo'])
  })

  it('describes each operation as its function does: JSDoc or config title, description, tags, deprecation, errors', () => {
    const get = doc.paths['/todos/{id}'].get
    expect(get.summary).toBe('Get a todo')
    expect(get.description).toBe('Reads one todo by its id.')
    expect(get.tags).toEqual(['todos', 'read'])
    const remove = doc.paths['/todos/{id}'].delete
    expect(remove.summary).toBe('Delete a todo')
    expect(remove.deprecated).toBe(true)
    expect(remove.tags).toEqual(['todos'])
    expect(remove.responses['409']).toEqual({ description: 'Conflict (ConflictError)', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } } })
    expect(remove.responses['404']).toEqual({ $ref: '#/components/responses/NotFound' }) // one of every operation's already
  })

  it("lists a route's tags (a group's, then its own) on its operation", () => {
    expect(doc.paths['/health'].get.tags).toEqual(['ops'])
    expect(doc.paths['/todos'].get.tags).toBeUndefined()
  })

  it('describes an upload route: a multipart form of its fields and binary files, or the bytes', () => {
    const upload = doc.paths['/todos/{id}/files'].post
    expect(upload.parameters.map((p: Json) => p.name)).toEqual(['id'])
    expect(upload.requestBody.content['multipart/form-data'].schema).toEqual({
      type: 'object',
      properties: { note: { type: 'string' }, file: { type: 'string', format: 'binary' } },
      additionalProperties: false,
    })
    expect(upload.requestBody.content['application/octet-stream'].schema).toEqual({ type: 'string', format: 'binary' })
    expect(upload.requestBody.content['application/json']).toBeUndefined()
  })

  it('hoists shared types into components', () => {
    expect(doc.components.schemas.User).toMatchObject({ type: 'object', required: ['name'] })
    expect(text).not.toContain('$defs')
  })

  it("lists the app's session sources (its createApp call) as security schemes", () => {
    // src/app.ts: jwt, signedCookie `todo_session`, apiKey header `X-Todo-Key`; no query key.
    expect(doc.components.securitySchemes).toEqual({
      bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
      cookieAuth: { type: 'apiKey', in: 'cookie', name: 'todo_session' },
      apiKeyAuth: { type: 'apiKey', in: 'header', name: 'x-todo-key' },
    })
    // Any one of them (OR'ed), in the engine's order, on routes that need a session.
    const sessionRequired = [{ bearerAuth: [] }, { cookieAuth: [] }, { apiKeyAuth: [] }]
    expect(doc.paths['/todos'].post.security).toEqual(sessionRequired)
    expect(doc.paths['/todos/{id}'].delete.security).toEqual(sessionRequired)
    expect(doc.paths['/todos'].post.responses['401']).toEqual({ $ref: '#/components/responses/Unauthorized' })
    // `auth: false`: no requirement.
    expect(doc.paths['/health'].get.security).toEqual([])
    expect(doc.paths['/health'].get.responses['401']).toBeUndefined()
  })

  it('lists no security scheme when the app configures no session source', async () => {
    const project = copyApp()
    writeFileSync(join(project, 'src/app.ts'), "import { createApp } from '@pikku/native'\nexport const app = createApp({ metadata: '.pikku/pikku-meta.gen.json' })\n")
    const run = pikku(project)
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    const bare: Json = JSON.parse(readFileSync(join(project, '.pikku/openapi.json'), 'utf8'))
    expect(bare.components.securitySchemes).toBeUndefined()
    expect(bare.paths['/todos'].post.security).toBeUndefined()
    expect(bare.paths['/health'].get.security).toBeUndefined()
    // The engine still answers 401 to a route that needs a session.
    expect(bare.paths['/todos'].post.responses['401']).toEqual({ $ref: '#/components/responses/Unauthorized' })
    const result = await new Validator().validate(bare)
    expect(result.errors ?? []).toEqual([])
  })

  it('warns at file:line:column when the session option cannot be read, and lists no scheme', () => {
    const project = copyApp()
    writeFileSync(
      join(project, 'src/app.ts'),
      "import { createApp } from '@pikku/native'\nimport { session } from './session.js'\nexport const app = createApp({ metadata: '', session })\n",
    )
    writeFileSync(join(project, 'src/session.ts'), "export const session = { jwt: { algorithm: 'HS256', secret: 'x'.repeat(32) } }\n")
    const run = pikku(project)
    expect(run.status).toBe(0)
    expect(run.stderr).toContain('warning[PIKKU_OPENAPI_SESSION]: `session` of `createApp` is not an object literal')
    expect(run.stderr).toContain('--> src/app.ts:3:46')
    const unread: Json = JSON.parse(readFileSync(join(project, '.pikku/openapi.json'), 'utf8'))
    expect(unread.components.securitySchemes).toBeUndefined()
    expect(unread.paths['/todos'].post.security).toBeUndefined()
  })

  it('is deterministic and rewritten only when it changes', () => {
    const again = pikku()
    expect(again.status).toBe(0)
    expect(again.stdout).not.toContain('openapi.json')
    expect(readFileSync(documentPath, 'utf8')).toBe(text)
  })
})
