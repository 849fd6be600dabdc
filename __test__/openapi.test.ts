// The OpenAPI 3.1 document `pikku` writes when `pikku.config.json` has an `openapi` key: it
// passes a real OpenAPI validator and describes the routes as the engine answers them.
import { spawnSync } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { Validator } from '@seriousme/openapi-schema-validator'
import { beforeAll, describe, expect, it } from 'vitest'

const root = join(__dirname, '..')
const app = join(__dirname, 'fixtures/openapi-app')
const documentPath = join(app, '.pikku/openapi.json')
const pikku = () => spawnSync(process.execPath, [join(root, 'bin/pikku.js')], { cwd: app, encoding: 'utf8' })

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

  it('hoists shared types into components', () => {
    expect(doc.components.schemas.User).toMatchObject({ type: 'object', required: ['name'] })
    expect(text).not.toContain('$defs')
  })

  it('requires a session on auth routes and none on public ones', () => {
    const sessionRequired = [{ bearerAuth: [] }, { apiKeyAuth: [] }, { cookieAuth: [] }]
    expect(doc.paths['/todos'].post.security).toEqual(sessionRequired)
    expect(doc.paths['/todos/{id}'].delete.security).toEqual(sessionRequired)
    expect(doc.paths['/todos'].post.responses['401']).toEqual({ $ref: '#/components/responses/Unauthorized' })
    expect(doc.paths['/health'].get.security).toEqual([])
    expect(doc.paths['/health'].get.responses['401']).toBeUndefined()
    expect(doc.components.securitySchemes.bearerAuth).toEqual({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    expect(doc.components.securitySchemes.apiKeyAuth).toEqual({ type: 'apiKey', in: 'header', name: 'x-api-key' })
  })

  it('is deterministic and rewritten only when it changes', () => {
    const again = pikku()
    expect(again.status).toBe(0)
    expect(again.stdout).not.toContain('openapi.json')
    expect(readFileSync(documentPath, 'utf8')).toBe(text)
  })
})
