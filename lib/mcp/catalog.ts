// What an app offers over MCP, read from the app: its tools (functions marked `mcp: true`),
// resources and prompts, each with the function that answers it and its input schema — the
// same schema the engine validates with. No MCP library here: the server (server.ts) speaks
// the protocol.

import type { BuiltApp } from '../app/build.js'
import { functionMeta, toJSONSchema, type JSONSchema } from '../functions.js'
import { PikkuStartupError, type StartupProblem } from '../startup-error.js'
import { isProblem } from '../schema-links.js'
import type { AnyAPIFunction } from '../types.js'
import { registeredMCPPrompts, registeredMCPResources, type MCPPromptWiring, type MCPResourceWiring } from './wiring.js'

/** A tool: a function by name, with its input schema. */
export interface MCPTool {
  name: string
  title?: string
  description?: string
  tags?: readonly string[]
  deprecated?: true
  inputSchema: JSONSchema
  func: AnyAPIFunction
}

/** A resource, with its URI template read (`{id}` → a parameter). */
export interface MCPResource extends MCPResourceWiring {
  /** The template's parameter names, in order; none for a fixed URI. */
  params: string[]
  /** Matches a URI, giving the parameters' values. */
  match(uri: string): Record<string, string> | undefined
}

/** A prompt, with its arguments from the function's input schema. */
export interface MCPPrompt extends MCPPromptWiring {
  arguments: { name: string; description?: string; required: boolean }[]
}

/** The app's tools, resources and prompts. */
export interface MCPCatalog {
  tools: Map<string, MCPTool>
  resources: MCPResource[]
  prompts: Map<string, MCPPrompt>
}

/** Reads the catalog of a built app: every function it can name that is marked `mcp: true`, and the wired resources and prompts. */
export function mcpCatalog(built: BuiltApp, resources = registeredMCPResources(), prompts = registeredMCPPrompts()): MCPCatalog {
  const problems: StartupProblem[] = []
  const inputSchemaOf = (func: AnyAPIFunction, subject: string) => schemaOf(built, func, subject, problems)
  const tools = new Map<string, MCPTool>()
  for (const [name, func] of built.env.rpc.table!.all()) {
    const meta = functionMeta(func)
    if (meta?.mcp !== true) continue
    // Given on the function, or what the code generator read (its JSDoc comment, say).
    const recorded = built.links.metadata?.functions[name]
    const tool: MCPTool = { name, inputSchema: objectSchema(inputSchemaOf(func, `MCP tool \`${name}\``)), func }
    const title = meta.title ?? recorded?.title
    const description = meta.description ?? recorded?.description
    const tags = meta.tags ?? recorded?.tags
    if (title !== undefined) tool.title = title
    if (description !== undefined) tool.description = description
    if (tags !== undefined && tags.length > 0) tool.tags = tags
    if (meta.deprecated === true || recorded?.deprecated === true) tool.deprecated = true
    tools.set(name, tool)
  }
  for (const resource of resources) inputSchemaOf(resource.func, `MCP resource \`${resource.uri}\``)
  const catalog = {
    tools,
    resources: resources.map((wiring) => ({ ...wiring, ...uriTemplate(wiring.uri) })),
    prompts: new Map(prompts.map((wiring) => [wiring.name, { ...wiring, arguments: promptArguments(inputSchemaOf(wiring.func, `MCP prompt \`${wiring.name}\``)) }])),
  }
  // What agents would call unvalidated stops the server from being made.
  if (problems.length > 0) throw new PikkuStartupError(problems)
  return catalog
}

/**
 * The input schema of `func` as JSON Schema: given on it, or the code generator's (with the
 * shared definitions it refers to); a function without one is a problem that stops the server.
 */
function schemaOf(built: BuiltApp, func: AnyAPIFunction, subject: string, problems: StartupProblem[]): JSONSchema {
  const plan = built.links.input(func, subject)
  if (isProblem(plan)) {
    problems.push(plan)
    return {}
  }
  if (plan.kind === 'inline') return toJSONSchema(plan.schema)
  if (plan.kind !== 'named') return {}
  const metadata = built.links.metadata!
  const schema = { ...(metadata.schemas[plan.schema] as JSONSchema) }
  if (metadata.$defs !== undefined && schema.$defs === undefined) schema.$defs = metadata.$defs as JSONSchema
  return schema
}

/** MCP wants an object schema for a tool's arguments: a function without input takes `{}`. */
function objectSchema(schema: JSONSchema): JSONSchema {
  return schema.type === 'object' ? schema : { type: 'object', ...schema }
}

/** A prompt's arguments: the input's properties (strings, as MCP passes them). */
function promptArguments(schema: JSONSchema): MCPPrompt['arguments'] {
  const properties = (schema.properties ?? {}) as Record<string, { description?: string }>
  const required = new Set((schema.required ?? []) as string[])
  return Object.entries(properties).map(([name, property]) => {
    const argument: MCPPrompt['arguments'][number] = { name, required: required.has(name) }
    if (property.description !== undefined) argument.description = property.description
    return argument
  })
}

/** `todos://{id}/notes/{note}` → its parameters and a matcher (a parameter takes no `/`). */
function uriTemplate(uri: string): Pick<MCPResource, 'params' | 'match'> {
  const params: string[] = []
  const pattern = uri.replace(/\{(\w+)\}|[.*+?^$()|[\]\\]/g, (text, name: string | undefined) => {
    if (name === undefined) return `\\${text}`
    params.push(name)
    return '([^/]+)'
  })
  const regex = new RegExp(`^${pattern}$`)
  return {
    params,
    match: (candidate) => {
      const found = regex.exec(candidate)
      if (!found) return undefined
      try {
        return Object.fromEntries(params.map((name, i) => [name, decodeURIComponent(found[i + 1]!)]))
      } catch {
        return undefined // a malformed escape: no such resource
      }
    },
  }
}
