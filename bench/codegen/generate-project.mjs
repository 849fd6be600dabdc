#!/usr/bin/env node
// Writes a synthetic Pikku project for the code-generator benchmark: N functions (default 500)
// across N/5 files (5 per file: get, list, create, update, delete of one resource), each wired
// to an HTTP route, plus shared models in src/models/. The files use the `pikkuFunc` /
// `pikkuSessionlessFunc` / `wireHTTP` vocabulary, which both our generator and the reference
// inspector (@pikku/inspector 0.12) read, so both read exactly the same files.
//
// What the types exercise: interfaces with `extends` (also of `Partial<…>`), nested objects,
// arrays of objects, string-literal unions, an enum, an `as const` object, a tuple, an index
// signature, optional members, `Date`, `Record<string, V>`, a generic interface with a concrete
// argument, types imported from ../models/*.js (and through the models/index.js re-export),
// `Pick` / `Omit` / `Partial` of the shared models and of each file's own resource,
// intersections, and JSDoc constraints. Every fifth file defines its five functions with Zod
// schemas instead (`input` / `output`: objects, strings with formats and patterns, ints with
// bounds, enums, records, tuples, a discriminated union, `.extend` / `.pick` / `.omit` /
// `.partial` of a schema imported from src/models/zod.ts).
// Every type name is unique across the project (the reference renames duplicates at random).
//
// Usage: node generate-project.mjs [--functions=500] [--out=<dir>]
//        or import { generateProject } from './generate-project.mjs'
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { tmpdir } from 'node:os'
import { fileURLToPath, pathToFileURL } from 'node:url'

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

const MODELS = {
  'common.ts': `/** A point in time, serialised as an ISO 8601 string. */
export type Timestamp = Date

export type Status = 'draft' | 'active' | 'suspended' | 'archived'
export type Priority = 'low' | 'normal' | 'high' | 'urgent'
export type SortOrder = 'asc' | 'desc'

export enum Currency {
  EUR = 'EUR',
  USD = 'USD',
  GBP = 'GBP',
  JPY = 'JPY',
}

export interface BaseEntity {
  /** @minLength 1 */
  id: string
  createdAt: Timestamp
  updatedAt: Timestamp
  version: number
}

export interface Paging {
  /** @minimum 1 @maximum 200 */
  limit?: number
  cursor?: string
  order?: SortOrder
}

/** One page of a list; used with a concrete item type. */
export interface Paginated<T> {
  items: T[]
  nextCursor?: string
  total: number
}

export const Visibility = {
  Private: 'private',
  Internal: 'internal',
  Public: 'public',
} as const
export type Visibility = (typeof Visibility)[keyof typeof Visibility]

export interface Audit {
  actor: string
  action: 'create' | 'update' | 'delete' | 'restore'
  at: Timestamp
  changes: Record<string, string>
}
`,
  'address.ts': `export type CountryCode = 'FI' | 'SE' | 'NO' | 'DK' | 'DE' | 'FR' | 'GB' | 'US'

export interface GeoPoint {
  lat: number
  lng: number
}

/** [west, south, east, north] */
export type BoundingBox = [number, number, number, number]

export interface Address {
  line1: string
  line2?: string
  city: string
  /** @pattern ^[0-9A-Z -]{3,10}$ */
  postalCode: string
  country: CountryCode
  geo?: GeoPoint
  area?: BoundingBox
}
`,
  'user.ts': `import type { BaseEntity, Status } from './common.js'
import type { Address } from './address.js'

export type Role = 'owner' | 'admin' | 'member' | 'viewer'

export interface Preferences {
  locale: string
  timezone: string
  notifications: {
    email: boolean
    push: boolean
    digest: 'never' | 'daily' | 'weekly'
  }
}

export interface User extends BaseEntity {
  /** @format email */
  email: string
  /** @minLength 1 @maxLength 120 */
  displayName: string
  role: Role
  status: Status
  address?: Address
  preferences: Preferences
  teams: string[]
}

export type UserSummary = Pick<User, 'id' | 'displayName' | 'email' | 'role'>
`,
  'money.ts': `import type { Currency } from './common.js'

export interface Money {
  /** @minimum 0 */
  amount: number
  currency: Currency
}

export interface TaxLine {
  name: string
  /** @minimum 0 @maximum 1 */
  rate: number
  amount: Money
}

export interface LineItem {
  sku: string
  description?: string
  /** @minimum 1 */
  quantity: number
  unitPrice: Money
  taxes: TaxLine[]
  discount?: Partial<Money>
}
`,
  'attachment.ts': `import type { Timestamp } from './common.js'

export type MimeType = 'image/png' | 'image/jpeg' | 'application/pdf' | 'text/plain'

export interface Attachment {
  name: string
  mimeType: MimeType
  /** @minimum 0 */
  size: number
  url: string
  uploadedAt: Timestamp
  labels?: Record<string, string>
}
`,
  'index.ts': `export * from './common.js'
export * from './address.js'
export * from './user.js'
export * from './money.js'
export * from './attachment.js'
`,
  // Zod schemas shared by the Zod resource files (every fifth file).
  'zod.ts': `import { z } from 'zod'

export const ZStatus = z.enum(['draft', 'active', 'suspended', 'archived'])

export const ZMoney = z.object({
  amount: z.number().nonnegative(),
  currency: z.enum(['EUR', 'USD', 'GBP', 'JPY']),
})

export const ZAddress = z.object({
  line1: z.string().min(1),
  line2: z.string().optional(),
  city: z.string(),
  postalCode: z.string().regex(/^[0-9A-Z -]{3,10}$/),
  country: z.enum(['FI', 'SE', 'NO', 'DK', 'DE', 'FR', 'GB', 'US']),
  geo: z.object({ lat: z.number().min(-90).max(90), lng: z.number().min(-180).max(180) }).optional(),
})

export const ZAudit = z.object({
  actor: z.string(),
  action: z.enum(['create', 'update', 'delete', 'restore']),
  at: z.iso.datetime(),
  changes: z.record(z.string(), z.string()),
})

export const ZBase = z.object({
  id: z.string().min(1),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  version: z.int().nonnegative(),
})
`,
}

// Nouns for resource names, so the files read like a real API (orders, invoices, tickets...).
const NOUNS = [
  'Order', 'Invoice', 'Ticket', 'Project', 'Shipment', 'Booking', 'Contract', 'Product',
  'Campaign', 'Subscription', 'Warehouse', 'Vehicle', 'Course', 'Lesson', 'Article', 'Event',
  'Payment', 'Refund', 'Quote', 'Lead', 'Asset', 'Incident', 'Survey', 'Recipe', 'Device',
]

const pascal = (i) => `${NOUNS[i % NOUNS.length]}${Math.floor(i / NOUNS.length) + 1}`
const camel = (s) => s[0].toLowerCase() + s.slice(1)
const kebab = (s) => s.replace(/([a-z])([A-Z0-9])/g, '$1-$2').toLowerCase()

// Four shapes of resource, rotated across files, so the nested types vary.
function resourceBody(variant, R) {
  switch (variant % 4) {
    case 0:
      return {
        imports: `import type { BaseEntity, Status, Priority, Audit, Visibility } from '../models/common.js'
import type { UserSummary } from '../models/user.js'
import type { LineItem, Money } from '../models/money.js'`,
        body: `export interface ${R} extends BaseEntity {
  /** @minLength 1 @maxLength 200 */
  title: string
  status: Status
  priority: Priority
  owner: UserSummary
  lines: LineItem[]
  total: Money
  notes?: string
  tags: string[]
  visibility: Visibility
  history: Audit[]
}`,
        filterField: `status?: Status`,
      }
    case 1:
      return {
        imports: `import type { BaseEntity, Status, Paging } from '../models/common.js'
import type { Address, GeoPoint } from '../models/address.js'
import type { User } from '../models/user.js'`,
        body: `export type ${R}Kind = 'standard' | 'express' | 'pickup' | 'digital'

export interface ${R}Stop {
  address: Address
  eta?: Date
  contact: Pick<User, 'displayName' | 'email'>
  window: { from: Date; to: Date }
}

export interface ${R} extends BaseEntity {
  kind: ${R}Kind
  status: Status
  stops: ${R}Stop[]
  lastPosition?: GeoPoint
  assignee?: Omit<User, 'preferences' | 'teams' | 'address'>
  metadata: Record<string, string>
  paging?: Paging
}`,
        filterField: `kind?: ${R}Kind`,
      }
    case 2:
      return {
        imports: `import type { BaseEntity, Currency, Timestamp } from '../models/index.js'
import type { Attachment } from '../models/attachment.js'
import type { Money, TaxLine } from '../models/money.js'`,
        body: `export interface ${R}Terms {
  currency: Currency
  /** @minimum 0 @maximum 365 */
  netDays: number
  lateFee?: Money
  taxes: TaxLine[]
}

export interface ${R} extends BaseEntity {
  /** @pattern ^[A-Z]{2}-[0-9]{4,}$ */
  reference: string
  state: 'open' | 'pending' | 'paid' | 'void'
  terms: ${R}Terms
  dueAt: Timestamp
  attachments: Attachment[]
  counterparty: { name: string; vatId?: string; email?: string }
  balance: Money
  extra: { [key: string]: string | number | boolean }
}`,
        filterField: `state?: 'open' | 'pending' | 'paid' | 'void'`,
      }
    default:
      return {
        imports: `import type { BaseEntity, Priority, Status, Visibility } from '../models/common.js'
import type { Role, Preferences, UserSummary } from '../models/user.js'
import type { Attachment } from '../models/attachment.js'`,
        body: `export interface ${R}Member {
  user: UserSummary
  role: Role
  joinedAt: Date
}

export interface ${R}Settings extends Partial<Preferences> {
  visibility: Visibility
  maxMembers?: number
}

export interface ${R} extends BaseEntity {
  /** @minLength 1 @maxLength 80 */
  name: string
  description?: string
  status: Status
  priority: Priority
  members: ${R}Member[]
  settings: ${R}Settings
  cover?: Attachment
  counters: Record<string, number>
}`,
        filterField: `priority?: Priority`,
      }
  }
}

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
function zodResourceFile(i) {
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

export function resourceFile(i, revision = 0) {
  if (isZodFile(i)) return zodResourceFile(i)
  const R = pascal(i)
  const r = camel(R)
  const path = `/${kebab(R)}s`
  const { imports, body, filterField } = resourceBody(i, R)
  // `revision` changes one input type: the benchmark's one-file edit.
  const extra = revision ? `\n  /** added by edit ${revision} */\n  search${revision}?: string` : ''
  return `import { pikkuFunc, pikkuSessionlessFunc, wireHTTP } from '@pikku/native'
import type { Paginated } from '../models/common.js'
${imports}

${body}

export interface Get${R}Input {
  id: string
  /** Include the audit trail. */
  expand?: boolean
}

export interface List${R}Input {
  /** @minimum 1 @maximum 200 */
  limit?: number
  cursor?: string
  order?: 'asc' | 'desc'
  ${filterField}${extra}
}

export type ${R}Page = Paginated<${R}>

export type Create${R}Input = Omit<${R}, 'id' | 'createdAt' | 'updatedAt' | 'version'>

export type Update${R}Input = Pick<${R}, 'id' | 'version'> &
  Partial<Omit<${R}, 'id' | 'createdAt' | 'updatedAt' | 'version'>>

export type Delete${R}Input = Pick<${R}, 'id'> & { reason?: string; hard?: boolean }

export interface Delete${R}Output {
  deleted: boolean
  id: string
}

export const get${R} = pikkuFunc<Get${R}Input, ${R}>(async (services, data, session) => {
  return services.store.get('${r}', data.id)
})

export const list${R}s = pikkuSessionlessFunc<List${R}Input, ${R}Page>(async (services, data) => {
  return services.store.list('${r}', data)
})

export const create${R} = pikkuFunc<Create${R}Input, ${R}>(async (services, data, session) => {
  return services.store.create('${r}', data, session)
})

export const update${R} = pikkuFunc<Update${R}Input, ${R}>(async (services, data, session) => {
  return services.store.update('${r}', data.id, data, session)
})

export const delete${R} = pikkuFunc<Delete${R}Input, Delete${R}Output>(async (services, data, session) => {
  await services.store.delete('${r}', data.id, session)
  return { deleted: true, id: data.id }
})

${wirings(R, path)}
`
}

export function fileNameFor(i) {
  return `src/functions/${kebab(pascal(i))}.ts`
}

/** Writes the project into `dir` (emptied first). Returns { dir, files, functions }. */
export function generateProject({ functions = 500, dir } = {}) {
  if (functions % 5 !== 0 || functions < 5) throw new Error('--functions must be a multiple of 5')
  const fileCount = functions / 5
  dir = resolve(dir ?? join(tmpdir(), 'pikku-codegen-bench', `n${functions}`))
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(join(dir, 'src', 'models'), { recursive: true })
  mkdirSync(join(dir, 'src', 'functions'), { recursive: true })
  mkdirSync(join(dir, 'src', 'schemas'), { recursive: true })
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: `codegen-bench-n${functions}`, private: true, type: 'module' }, null, 2) + '\n',
  )
  writeFileSync(
    join(dir, 'pikku.config.json'),
    JSON.stringify({ srcDirectories: ['src'], outDir: '.pikku' }, null, 2) + '\n',
  )
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'Node16',
          moduleResolution: 'Node16',
          strict: true,
          skipLibCheck: true,
          noEmit: true,
        },
        include: ['src'],
      },
      null,
      2,
    ) + '\n',
  )
  for (const [name, text] of Object.entries(MODELS)) writeFileSync(join(dir, 'src', 'models', name), text)
  // The Zod files import 'zod': the reference's TypeScript program must resolve it (ours reads
  // the builders without it). The repository's own copy, linked.
  mkdirSync(join(dir, 'node_modules'), { recursive: true })
  symlinkSync(join(repoRoot, 'node_modules', 'zod'), join(dir, 'node_modules', 'zod'), 'dir')
  let zodFiles = 0
  for (let i = 0; i < fileCount; i++) {
    writeFileSync(join(dir, fileNameFor(i)), resourceFile(i))
    if (isZodFile(i)) {
      writeFileSync(join(dir, 'src', 'schemas', `${kebab(pascal(i))}.ts`), zodSchemaFile(i))
      zodFiles++
    }
  }
  return { dir, files: fileCount + zodFiles + Object.keys(MODELS).length, functions }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]
  const result = generateProject({ functions: Number(arg('functions') ?? 500), dir: arg('out') })
  console.log(`wrote ${result.functions} functions in ${result.files} files to ${result.dir}`)
}

/** The five wirings of one resource's functions: the same for typed and Zod files. */
function wirings(R, path) {
  return `wireHTTP({ method: 'get', route: '${path}/:id', func: get${R} })
wireHTTP({ method: 'get', route: '${path}', func: list${R}s, auth: false })
wireHTTP({ method: 'post', route: '${path}', func: create${R} })
wireHTTP({ method: 'patch', route: '${path}/:id', func: update${R} })
wireHTTP({ method: 'delete', route: '${path}/:id', func: delete${R} })`
}
