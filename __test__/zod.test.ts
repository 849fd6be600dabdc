// Zod schemas read by the code generator: `pikku` translates the builders statically (Rust, no
// code runs) and must write the very JSON Schema that Zod's own conversion gives at run time —
// the engine validates with Zod's (the function's inline schema wins), while the metadata, the
// route checks, the client and the OpenAPI document use the generator's. So: for each builder,
// the two schemas are compared. Over real HTTP, the fixture app answers the same with either
// schema: zod-app.test.ts.
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'

import { pikku, root } from './helpers/pikku-cli.js'

/** What lib/functions.ts asks of a Zod schema at run time (Standard JSON Schema, input side). */
const zodJsonSchema = (schema: z.ZodType) => {
  const json = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12' }) as Record<string, unknown>
  delete json.$schema
  return json
}

const Todo = z.object({
  id: z.string().describe('The todo id'),
  title: z.string().min(1).max(100),
  done: z.boolean(),
  priority: z.int().min(1).max(5).optional(),
})

/** Builder expressions, as written in a function's `input` (with `Todo` imported from a models file). */
const BUILDERS = [
  // objects
  'z.object({ id: z.string(), n: z.number().optional() })',
  'z.object({ id: z.string() }).strict()',
  'z.strictObject({ id: z.string() })',
  'z.object({ id: z.string() }).passthrough()',
  'z.object({ id: z.string() }).loose()',
  'z.looseObject({ id: z.string() })',
  'z.object({ id: z.string() }).catchall(z.number())',
  'z.object({})',
  // strings
  'z.string()',
  'z.string().min(1).max(5)',
  'z.string().length(3)',
  'z.string().min(1).max(5).length(3)',
  'z.string().nonempty()',
  'z.string().regex(/^[a-z]+$/)',
  'z.string().regex(/a/).regex(/b/)',
  'z.string().email()',
  'z.email()',
  'z.email().min(3)',
  'z.string().email().regex(/x/)',
  'z.string().uuid()',
  'z.uuid()',
  'z.string().uuid().email()',
  'z.string().url()',
  'z.url()',
  'z.string().min(1, "too short").max(9, { error: "too long" })',
  // numbers
  'z.number()',
  'z.number().int()',
  'z.int()',
  'z.int().min(3)',
  'z.number().int().min(1).max(5).gt(0).lt(10).multipleOf(2)',
  'z.number().min(0).max(10).int()',
  'z.number().gt(1).lt(5)',
  'z.number().gte(1).lte(5)',
  'z.number().min(1).gt(1)',
  'z.number().gt(1).min(1)',
  'z.number().max(5).lt(5)',
  'z.number().positive()',
  'z.number().nonnegative()',
  'z.number().negative()',
  'z.number().nonpositive()',
  'z.number().int().positive()',
  'z.int().nonnegative()',
  'z.number().multipleOf(0.5)',
  'z.number().multipleOf(2).multipleOf(3)',
  'z.number().int().max(1e20)',
  // scalars
  'z.boolean()',
  'z.null()',
  'z.any()',
  'z.unknown()',
  "z.enum(['a', 'b'])",
  "z.literal('x')",
  'z.literal(3)',
  'z.literal(-1)',
  'z.literal(true)',
  'z.literal(null)',
  "z.literal(['a', 'b'])",
  "z.literal(['a', 1])",
  // arrays, tuples, records
  'z.array(z.string())',
  'z.array(z.string()).min(1).max(3)',
  'z.array(z.number()).length(2)',
  'z.string().array()',
  'z.string().array().nonempty()',
  'z.array(z.string()).nonempty().max(1)',
  'z.array(z.string().optional())',
  'z.tuple([z.string(), z.number()])',
  'z.tuple([z.string(), z.number().optional()])',
  'z.tuple([z.string()], z.number())',
  'z.tuple([])',
  'z.record(z.string(), z.number())',
  'z.record(z.string().min(2), z.number())',
  "z.record(z.enum(['a', 'b']), z.number())",
  // modifiers
  'z.string().optional()',
  'z.string().nullable()',
  'z.string().nullish()',
  'z.string().optional().nullable()',
  'z.string().min(1).nullable()',
  'z.int().nullable()',
  'z.object({ a: z.string() }).nullable()',
  'z.object({ a: z.string() }).nullish()',
  "z.enum(['a', 'b']).nullable()",
  'z.array(z.string()).nullable()',
  "z.string().default('x')",
  "z.string().optional().default('a')",
  'z.string().nullable().default(null)',
  "z.object({ a: z.string() }).default({ a: 'x' })",
  "z.object({ a: z.string().optional(), b: z.string().nullable(), c: z.string().nullish(), d: z.string().default('x'), e: z.number().default(3).optional() })",
  // descriptions
  "z.string().describe('hello')",
  "z.string().describe('x').optional()",
  "z.string().optional().describe('x')",
  "z.string().nullable().describe('x')",
  "z.string().describe('x').nullable()",
  "z.string().default('a').describe('d')",
  "z.string().describe('d').default('a')",
  "z.string().describe('x').min(1)",
  "z.object({ a: z.string().describe('A') }).describe('Obj')",
  "z.object({ a: z.string() }).describe('d').strict()",
  "z.array(z.string()).describe('list')",
  // unions
  'z.union([z.string(), z.number()])',
  'z.union([z.string(), z.null()])',
  'z.union([z.boolean(), z.string()])',
  'z.union([z.string().min(1), z.number()])',
  "z.union([z.literal('a'), z.literal('b')])",
  'z.union([z.int(), z.number()])',
  'z.union([z.string()])',
  'z.union([z.string(), z.object({})]).nullable()',
  'z.union([z.string(), z.number()]).nullable()',
  'z.string().or(z.number())',
  "z.discriminatedUnion('kind', [z.object({ kind: z.literal('a'), a: z.string() }), z.object({ kind: z.literal('b') })])",
  "z.discriminatedUnion('k', [z.object({ k: z.literal('a') })]).nullable()",
  // dates as ISO strings
  'z.iso.datetime()',
  'z.iso.date()',
  'z.string().datetime()',
  'z.string().date()',
  'z.iso.datetime().optional()',
  // derived objects
  'Todo',
  'Todo.pick({ id: true })',
  'Todo.omit({ id: true })',
  'Todo.partial()',
  'Todo.partial({ id: true })',
  'Todo.strict().partial()',
  'Todo.extend({ x: z.number() })',
  'Todo.extend({ title: z.number() })',
  'Todo.extend({ x: z.number() }).strict()',
  'Todo.strict().extend({ x: z.number() })',
  'Todo.loose().pick({ id: true })',
  'Todo.pick({ id: true }).strict()',
  'Todo.omit({ done: true, priority: true }).extend({ tags: z.array(z.string()) })',
  'z.object({ ...Todo.shape, x: z.boolean() })',
  'z.object({ id: Todo.shape.id })',
  'z.object({ a: z.object({ b: z.string() }).describe("x") })',
]

describe('Zod builders: the generated schema is Zod’s own', () => {
  let metadata: { functions: Record<string, { inputSchema?: string }>; schemas: Record<string, unknown> }

  beforeAll(() => {
    const project = mkdtempSync(join(tmpdir(), 'pikku-zod-builders-'))
    writeFileSync(join(project, 'pikku.config.json'), JSON.stringify({ srcDirectories: ['.'] }))
    writeFileSync(
      join(project, 'models.ts'),
      `import { z } from 'zod'\n\nexport const Todo = z.object({\n  id: z.string().describe('The todo id'),\n  title: z.string().min(1).max(100),\n  done: z.boolean(),\n  priority: z.int().min(1).max(5).optional(),\n})\n`,
    )
    const functions = BUILDERS.map((builder, i) => `export const c${i} = pikkuSessionlessFunc({ input: ${builder}, func: async () => undefined })\n`)
    writeFileSync(
      join(project, 'functions.ts'),
      `import { pikkuSessionlessFunc } from '@pikku/native'\nimport { z } from 'zod'\n\nimport { Todo } from './models.js'\n\n${functions.join('')}`,
    )
    const run = pikku(project)
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    metadata = JSON.parse(readFileSync(join(project, '.pikku/pikku-meta.gen.json'), 'utf8'))
  })

  it.each(BUILDERS.map((builder, i) => [builder, i] as const))('%s', (builder, i) => {
    const schema = new Function('z', 'Todo', `return ${builder}`)(z, Todo) as z.ZodType
    const name = metadata.functions[`c${i}`]?.inputSchema
    expect(name).toBe(`C${i}Input`)
    expect(metadata.schemas[name!]).toEqual(zodJsonSchema(schema))
  })

  it('agrees with what the runtime calls (Standard JSON Schema, input side)', async () => {
    const { toJSONSchema } = await import('../lib/functions.js')
    const schema = Todo.pick({ id: true }).extend({ at: z.iso.datetime().nullable() })
    const { $schema: _, ...runtime } = toJSONSchema(schema)
    expect(runtime).toEqual(zodJsonSchema(schema))
  })
})

describe('Zod builders the generator cannot read', () => {
  it('are errors at file:line:column naming the builder and the fix; nothing is written', () => {
    const project = mkdtempSync(join(tmpdir(), 'pikku-zod-unsupported-'))
    cpSync(join(root, 'crates/pikku-codegen/tests/fixtures/zod-unsupported'), project, { recursive: true, filter: (s) => !s.includes('expected') })
    const run = pikku(project)
    expect(run.status).toBe(1)
    expect(run.stderr).toContain("error[PIKKU_ZOD_UNSUPPORTED]: `.refine(…)` runs code that JSON Schema cannot express")
    expect(run.stderr).toContain('--> functions.ts:9:42')
    expect(run.stderr).toContain('= help: check it in the function and throw an `UnprocessableContentError`')
    for (const builder of ['`.transform(…)`', '`z.custom(…)`', '`z.lazy(…)`', '`makeSchema(…)`', '`.regex(/…/i)`', '`z.date()`']) expect(run.stderr).toContain(builder)
    expect(run.stderr).toContain('7 errors found; nothing was written')
  })
})
