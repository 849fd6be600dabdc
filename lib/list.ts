// List functions: a function whose input is its filters and where the page starts, and whose
// output is a page of rows — one shape for every listing, which the generated client can
// page through (`pikkuFetch.pages`).

import { pikkuFunc, pikkuSessionlessFunc, type FunctionConfig, type JSONSchema } from './functions.js'
import type { APIFunction, APIFunctionSessionless } from './types.js'

/** Where a page starts, besides the list's own filters. */
export interface ListPaging {
  /** How many rows to return (a whole number from 1; the function sets its maximum). */
  limit?: number
  /** Where to go on: the `nextCursor` of the page before (cursor pagination). */
  cursor?: string
  /** How many rows to skip (offset pagination; a whole number from 0). */
  offset?: number
}

/** The input of a list function: its filters `F` and its paging. */
export type ListInput<F = {}> = F & ListPaging

/** A page of a list function. */
export interface ListPage<Row> {
  /** The rows of this page. */
  rows: Row[]
  /** The cursor of the next page; absent on the last (cursor pagination). */
  nextCursor?: string
  /** How many rows there are in all, when the function knows (offset pagination). */
  total?: number
}

/**
 * Defines a list function that needs a session: its input is `ListInput<F>`, its output a
 * `ListPage<Row>`. `pikku` writes the paging into its schemas (`limit` from 1, `offset` from 0).
 *
 * ```ts
 * const listTodos = pikkuListFunc<{ done?: boolean }, Todo>(async ({ db }, { done, limit = 20, cursor }) => {
 *   const rows = await db.todos({ done, after: cursor, limit: Math.min(limit, 100) })
 *   return { rows, nextCursor: rows.length === limit ? String(rows.at(-1)!.id) : undefined }
 * })
 * ```
 */
export function pikkuListFunc<F, Row>(config: APIFunction<ListInput<F>, ListPage<Row>> | FunctionConfig<APIFunction<ListInput<F>, ListPage<Row>>, JSONSchema, JSONSchema>): APIFunction<ListInput<F>, ListPage<Row>> {
  return pikkuFunc<ListInput<F>, ListPage<Row>>(config)
}

/** Defines a list function that runs with or without a session; see {@link pikkuListFunc}. */
export function pikkuSessionlessListFunc<F, Row>(
  config: APIFunctionSessionless<ListInput<F>, ListPage<Row>> | FunctionConfig<APIFunctionSessionless<ListInput<F>, ListPage<Row>>, JSONSchema, JSONSchema>,
): APIFunctionSessionless<ListInput<F>, ListPage<Row>> {
  return pikkuSessionlessFunc<ListInput<F>, ListPage<Row>>(config)
}
