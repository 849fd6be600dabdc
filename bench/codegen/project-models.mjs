// The shared models of the benchmark's project (src/models/): types with `extends`, unions,
// an enum, an `as const` object, a tuple, JSDoc constraints, and the Zod schemas that the Zod
// resource files build on.

export const MODELS = {
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
