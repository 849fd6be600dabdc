// The typed resource files of the benchmark's project: TypeScript types (four shapes of
// resource, rotated) and the five functions typed by them.
import { camel, kebab, pascal, wirings } from './project-resources.mjs'

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

/** Resource file `i`, its functions typed by TypeScript types; `revision` edits one input type. */
export function typedResourceFile(i, revision = 0) {
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
