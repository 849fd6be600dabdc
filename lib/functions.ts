import type { PikkuMiddleware } from './middleware.js'
import type { Permissions } from './permissions.js'
import type { APIFunction, APIFunctionSessionless, AnyAPIFunction } from './types.js'

/** A JSON Schema object (2020-12). */
export type JSONSchema = Record<string, unknown>

/**
 * A schema that can describe itself as JSON Schema (the Standard JSON Schema interface,
 * implemented by Zod 4): `z.object({ title: z.string() })`.
 */
export interface StandardJSONSchema<In = unknown> {
  readonly '~standard': {
    readonly types?: { readonly input: In; readonly output: unknown } | undefined
    readonly jsonSchema: { readonly input: (options: { target: string }) => Record<string, unknown> }
  }
}

type InferInput<S> = S extends StandardJSONSchema<infer In> ? In : never

/** What the framework keeps about a function beyond its code. */
export interface FunctionMeta {
  /** The input schema given on the function. */
  input?: JSONSchema | StandardJSONSchema
  /** True for `pikkuSessionlessFunc`. */
  sessionless: boolean
  /** A name for error messages and metadata lookups. */
  name?: string
  /** Middleware of the function: the innermost level. */
  middleware?: readonly PikkuMiddleware[]
  /** Permissions of the function (keys OR'ed, arrays AND'ed). */
  permissions?: Permissions
}

const metaKey = Symbol.for('pikku.function')

/** The meta attached to a function by a definer, if any. */
export function functionMeta(func: AnyAPIFunction): FunctionMeta | undefined {
  return (func as { [metaKey]?: FunctionMeta })[metaKey]
}

/** A function's name: given to its definer, or the one JavaScript keeps (`const f = …`). */
export function functionName(func: AnyAPIFunction): string | undefined {
  const meta = functionMeta(func)
  if (meta) return meta.name
  return func.name || undefined
}

/** Config form of a definer: the function plus its input schema. */
export interface FunctionConfig<F, S> {
  func: F
  /** The input schema: JSON Schema, or a Zod 4 (Standard JSON Schema) schema. */
  input?: S
  /** The function's name (defaults to the variable's name where JavaScript keeps it). */
  name?: string
  /** Middleware around the function, inside global, route-pattern and route middleware. */
  middleware?: readonly PikkuMiddleware[]
  /** Checks run after validation: keys OR'ed, the checks in an array under one key AND'ed. */
  permissions?: Permissions
}

function define(config: AnyAPIFunction | FunctionConfig<AnyAPIFunction, unknown>, sessionless: boolean) {
  const { func, input, name, middleware, permissions } = typeof config === 'function' ? { func: config } as FunctionConfig<AnyAPIFunction, unknown> : config
  const meta: FunctionMeta = { sessionless }
  if (input !== undefined) meta.input = input as JSONSchema
  if (middleware !== undefined) meta.middleware = middleware
  if (permissions !== undefined) meta.permissions = permissions
  // In the config form the function is named after the `func` key; only `name` says more.
  const known = name ?? (typeof config === 'function' ? func.name : undefined)
  if (known) meta.name = known
  Object.defineProperty(func, metaKey, { value: meta })
  return func
}

/**
 * Defines a function that needs a session. Three forms:
 *
 * ```ts
 * const getTodo = pikkuFunc<{ id: number }, Todo>(async (services, data, session) => …)
 * const create = pikkuFunc({ input: z.object({ title: z.string() }), func: async (s, data) => … })
 * const update = pikkuFunc<Patch, Todo>({ input: patchJsonSchema, func: async (s, data) => … })
 * ```
 */
export function pikkuFunc<S extends StandardJSONSchema, Out>(config: FunctionConfig<APIFunction<InferInput<S>, Out>, S> & { input: S }): APIFunction<InferInput<S>, Out>
export function pikkuFunc<In, Out>(config: APIFunction<In, Out> | FunctionConfig<APIFunction<In, Out>, JSONSchema>): APIFunction<In, Out>
export function pikkuFunc(config: AnyAPIFunction | FunctionConfig<AnyAPIFunction, unknown>): AnyAPIFunction {
  return define(config, false)
}

/** Defines a function that runs with or without a session; same forms as {@link pikkuFunc}. */
export function pikkuSessionlessFunc<S extends StandardJSONSchema, Out>(config: FunctionConfig<APIFunctionSessionless<InferInput<S>, Out>, S> & { input: S }): APIFunctionSessionless<InferInput<S>, Out>
export function pikkuSessionlessFunc<In, Out>(config: APIFunctionSessionless<In, Out> | FunctionConfig<APIFunctionSessionless<In, Out>, JSONSchema>): APIFunctionSessionless<In, Out>
export function pikkuSessionlessFunc(config: AnyAPIFunction | FunctionConfig<AnyAPIFunction, unknown>): AnyAPIFunction {
  return define(config, true)
}

/** Turns a schema given on a function into JSON Schema. */
export function toJSONSchema(schema: JSONSchema | StandardJSONSchema): JSONSchema {
  const standard = (schema as StandardJSONSchema)['~standard']
  if (standard && typeof standard.jsonSchema?.input === 'function') {
    return standard.jsonSchema.input({ target: 'draft-2020-12' })
  }
  return schema as JSONSchema
}
