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
  /** The name given to the definer (`name`): the function's name in the metadata. */
  name?: string
  /** `unvalidatedInput: true`: the function checks its own input; nothing else is trusted to. */
  unvalidatedInput?: true
  /** A name for messages only: the function's own (`pikkuFunc(async function getTodo …)`). */
  label?: string
  /** Middleware of the function: the innermost level. */
  middleware?: readonly PikkuMiddleware[]
  /** Permissions of the function (keys OR'ed, arrays AND'ed). */
  permissions?: Permissions
  /** `expose: true`: served at `POST /rpc/:name`. */
  expose?: true
  /** `mcp: true`: a tool for agents (`@pikku/native/mcp`). */
  mcp?: true
  /** A short title for people (MCP tools, OpenAPI). */
  title?: string
  /** What the function does (MCP tools, OpenAPI). */
  description?: string
  /** Its tags (OpenAPI, MCP tools). */
  tags?: readonly string[]
  /** Marked deprecated (OpenAPI, MCP tools). */
  deprecated?: true
}

const metaKey = Symbol.for('pikku.function')

/** The meta attached to a function by a definer, if any. */
export function functionMeta(func: AnyAPIFunction): FunctionMeta | undefined {
  return (func as { [metaKey]?: FunctionMeta })[metaKey]
}

/**
 * A function's name for messages: given to its definer, or the one JavaScript keeps
 * (`const f = …`, which a minifier may change: never used to find a schema).
 */
export function functionName(func: AnyAPIFunction): string | undefined {
  const meta = functionMeta(func)
  return meta ? (meta.name ?? meta.label) : func.name || undefined
}

/** A function's name for messages, `anonymous function` when it has none. */
export function functionLabel(func: AnyAPIFunction): string {
  return functionName(func) ?? 'anonymous function'
}

/** Config form of a definer: the function plus its input schema. */
export interface FunctionConfig<F, S, O = S> {
  func: F
  /** The input schema: JSON Schema, or a Zod 4 (Standard JSON Schema) schema. */
  input?: S
  /**
   * The output schema, for types only: the function must return its input type, `pikku` puts
   * it in the metadata, the client and the OpenAPI document. Nothing checks outputs at run time.
   */
  output?: O
  /**
   * The function's name in the metadata. Rarely needed: a wiring or the generated
   * `pikku-functions.gen.ts` tells the app which function is which.
   */
  name?: string
  /**
   * Opt out of validation: the function's input reaches it as sent, and it checks it itself.
   * Without a schema and without this, a wired function refuses to start.
   */
  unvalidatedInput?: true
  /** Middleware around the function, inside global, route-pattern and route middleware. */
  middleware?: readonly PikkuMiddleware[]
  /** Checks run after validation: keys OR'ed, the checks in an array under one key AND'ed. */
  permissions?: Permissions
  /**
   * Serves the function at `POST /rpc/:name` (body `{ data }`) for clients, with the same
   * validation, session and permissions as any call; the generated client's `rpc.invoke`
   * calls it. Every function can be called by name from other functions (`rpc.invoke`).
   */
  expose?: boolean
  /**
   * Offers the function to agents as an MCP tool (`@pikku/native/mcp`), named by the function's
   * name, with its `title`, `description` and input schema.
   */
  mcp?: boolean
  /** A short title for people (MCP tools, OpenAPI). */
  title?: string
  /** What the function does, for agents and people (MCP tools, OpenAPI). */
  description?: string
  /** Tags, for the OpenAPI document (after its routes') and MCP tools. */
  tags?: readonly string[]
  /** Marks it deprecated in the OpenAPI document and the MCP tool list. */
  deprecated?: boolean
  /**
   * The errors it throws on purpose, for the OpenAPI document (a response for each status):
   * `errors: [NotFoundError, ConflictError]`. Documentation only: any error still maps as usual.
   */
  errors?: readonly (abstract new (...args: any[]) => Error)[]
}

/** Functions given a `name`, by it (the newest one of a name wins, as a module evaluated again gives it). */
const named = new Map<string, AnyAPIFunction>()

/** The functions defined with a `name`, by name. */
export function namedFunctions(): ReadonlyMap<string, AnyAPIFunction> {
  return named
}

function define(config: AnyAPIFunction | FunctionConfig<AnyAPIFunction, unknown>, sessionless: boolean) {
  // `output` is for types and the code generator only.
  const { func, input, name, middleware, permissions, unvalidatedInput, expose, mcp, title, description, tags, deprecated } = typeof config === 'function' ? { func: config } as FunctionConfig<AnyAPIFunction, unknown> : config
  const meta: FunctionMeta = { sessionless }
  if (input !== undefined) meta.input = input as JSONSchema
  if (middleware !== undefined) meta.middleware = middleware
  if (permissions !== undefined) meta.permissions = permissions
  if (unvalidatedInput === true) meta.unvalidatedInput = true
  if (expose === true) meta.expose = true
  if (mcp === true) meta.mcp = true
  if (title !== undefined) meta.title = title
  if (description !== undefined) meta.description = description
  if (tags !== undefined) meta.tags = tags
  if (deprecated === true) meta.deprecated = true
  if (name) {
    meta.name = name
    named.set(name, func)
  }
  // In the config form JavaScript names the function after its `func` key: no name.
  else if (typeof config === 'function' && func.name) meta.label = func.name
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
export function pikkuFunc<S extends StandardJSONSchema, O extends StandardJSONSchema>(config: FunctionConfig<APIFunction<InferInput<S>, InferInput<O>>, S, O> & { input: S; output: O }): APIFunction<InferInput<S>, InferInput<O>>
export function pikkuFunc<S extends StandardJSONSchema, Out>(config: FunctionConfig<APIFunction<InferInput<S>, Out>, S, never> & { input: S }): APIFunction<InferInput<S>, Out>
export function pikkuFunc<In, Out>(config: APIFunction<In, Out> | FunctionConfig<APIFunction<In, Out>, JSONSchema, JSONSchema>): APIFunction<In, Out>
export function pikkuFunc(config: AnyAPIFunction | FunctionConfig<AnyAPIFunction, unknown>): AnyAPIFunction {
  return define(config, false)
}

/** Defines a function that runs with or without a session; same forms as {@link pikkuFunc}. */
export function pikkuSessionlessFunc<S extends StandardJSONSchema, O extends StandardJSONSchema>(config: FunctionConfig<APIFunctionSessionless<InferInput<S>, InferInput<O>>, S, O> & { input: S; output: O }): APIFunctionSessionless<InferInput<S>, InferInput<O>>
export function pikkuSessionlessFunc<S extends StandardJSONSchema, Out>(config: FunctionConfig<APIFunctionSessionless<InferInput<S>, Out>, S, never> & { input: S }): APIFunctionSessionless<InferInput<S>, Out>
export function pikkuSessionlessFunc<In, Out>(config: APIFunctionSessionless<In, Out> | FunctionConfig<APIFunctionSessionless<In, Out>, JSONSchema, JSONSchema>): APIFunctionSessionless<In, Out>
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
