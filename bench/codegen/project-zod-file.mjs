// The Zod resource files of the benchmark's project (every fifth file): their functions take
// `input` / `output` schemas from a schema file of their own under src/schemas/.
import { camel, kebab, pascal, wirings } from './project-resources.mjs'

/** Every fifth file defines its functions with Zod schemas (`input` / `output`), not types. */
export const isZodFile = (i) => i % 5 === 4

/** The Zod schemas of Zod resource file `i`, in a file of their own under src/schemas/. */
export function zodSchemaFile(i, revision = 0) {
  const R = pascal(i)
  const r = camel(R)
  const extra = revision ? `\n  search${revision}: z.string().optional(),` : ''
  return `import { z } from 'zod'

import { ZAddress, ZAudit, ZBase, ZMoney, ZStatus } from '../models/zod.js'

export const ${R} = ZBase.extend({
  title: z.string().min(1).max(200).describe('What the ${r} is called'),
  status: ZStatus,
  priority: z.enum(['low', 'normal', 'high', 'urgent']).default('normal'),
  owner: z.object({ id: z.string(), email: z.email(), displayName: z.string().min(1).max(120) }),
  lines: z
    .array(z.object({ sku: z.string(), quantity: z.int().positive(), unitPrice: ZMoney, discount: ZMoney.partial().optional() }))
    .min(1),
  total: ZMoney,
  address: ZAddress.optional(),
  tags: z.array(z.string()).max(20),
  metadata: z.record(z.string(), z.string()),
  history: z.array(ZAudit),
  notes: z.string().nullish(),
  window: z.tuple([z.iso.datetime(), z.iso.datetime()]).optional(),
  delivery: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('pickup'), at: z.iso.date() }),
    z.object({ kind: z.literal('ship'), address: ZAddress, express: z.boolean() }),
  ]),
})

export const ${R}Page = z.object({ items: z.array(${R}), nextCursor: z.string().optional(), total: z.int().nonnegative() })

export const Get${R}Input = z.object({ id: z.string(), expand: z.boolean().optional() })
export const List${R}Input = z.object({
  limit: z.int().min(1).max(200).optional(),
  cursor: z.string().optional(),
  order: z.enum(['asc', 'desc']).optional(),
  status: ZStatus.optional(),${extra}
})
export const Create${R}Input = ${R}.omit({ id: true, createdAt: true, updatedAt: true, version: true }).strict()
export const Update${R}Input = ${R}.partial().extend({ id: z.string(), version: z.int().nonnegative() })
export const Delete${R}Input = ${R}.pick({ id: true }).extend({ reason: z.string().optional(), hard: z.boolean().optional() })
export const Delete${R}Output = z.object({ deleted: z.boolean(), id: z.string() })
`
}

// The functions of a Zod resource file take their schemas from src/schemas/ (exported consts: the
// reference inspector reads Zod schemas only from exported variables, and imports their file to
// convert them, so that file must not import '@pikku/native').
export function zodResourceFile(i) {
  const R = pascal(i)
  const r = camel(R)
  const path = `/${kebab(R)}s`
  return `import { pikkuFunc, pikkuSessionlessFunc, wireHTTP } from '@pikku/native'

import {
  ${R},
  ${R}Page,
  Get${R}Input,
  List${R}Input,
  Create${R}Input,
  Update${R}Input,
  Delete${R}Input,
  Delete${R}Output,
} from '../schemas/${kebab(R)}.js'

export const get${R} = pikkuFunc({
  input: Get${R}Input,
  output: ${R},
  func: async (services, data) => services.store.get('${r}', data.id),
})

export const list${R}s = pikkuSessionlessFunc({
  input: List${R}Input,
  output: ${R}Page,
  func: async (services, data) => services.store.list('${r}', data),
})

export const create${R} = pikkuFunc({
  input: Create${R}Input,
  output: ${R},
  func: async (services, data, session) => services.store.create('${r}', data, session),
})

export const update${R} = pikkuFunc({
  input: Update${R}Input,
  output: ${R},
  func: async (services, data, session) => services.store.update('${r}', data.id, data, session),
})

export const delete${R} = pikkuFunc({
  input: Delete${R}Input,
  output: Delete${R}Output,
  func: async (services, data, session) => {
    await services.store.delete('${r}', data.id, session)
    return { deleted: true, id: data.id }
  },
})

${wirings(R, path)}
`
}
