// The MCP server of an app, on the official SDK's protocol layer: tools, resources and prompts
// from the catalog, each answered by running its function as `app.call` does (the engine
// validates the input). Pikku's errors become MCP's: invalid arguments and unknown names are
// protocol errors (-32602), a tool that fails reports its error in its result (`isError`), so
// that the agent can read it.

import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import {
  CallToolRequestSchema,
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  McpError,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js'

import type { PikkuApp } from '../app.js'
import { portOf } from '../app/port.js'
import { PikkuError } from '../errors.js'
import { describeThrow } from '../invoke.js'
import { functionMeta } from '../functions.js'
import type { AnyAPIFunction, Session } from '../types.js'
import { mcpCatalog, type MCPCatalog } from './catalog.js'
import type { MCPPromptMessage } from './wiring.js'

/** The server's name and version, as clients see them. */
export interface MCPServerOptions {
  name?: string
  version?: string
}

/** What a request carries besides its arguments: the session its functions run with. */
export interface MCPCallContext {
  session?: Session
}

/**
 * An SDK `Server` answering `app`'s tools, resources and prompts; connect it to a transport.
 * `context` gives each request's session (none by default: functions that need one refuse).
 */
export function createMCPServer(app: PikkuApp, options: MCPServerOptions = {}, context: () => MCPCallContext = () => ({})): Server {
  return serverOf(app, mcpCatalog(portOf(app).built), options, context)
}

/**
 * A server for `app` answering from a catalog read once (the HTTP handlers make a server per
 * request: the catalog, and its start-up refusals, belong to the handler's creation).
 */
export function serverOf(app: PikkuApp, catalog: MCPCatalog, options: MCPServerOptions = {}, context: () => MCPCallContext = () => ({})): Server {
  const server = new Server(
    { name: options.name ?? 'pikku', version: options.version ?? '1.0.0' },
    { capabilities: { tools: {}, resources: {}, prompts: {} } },
  )
  const calls = portOf(app).calls
  const optionsOf = (func: AnyAPIFunction) => ({ session: context().session, auth: functionMeta(func)?.sessionless !== true })
  const run = (func: AnyAPIFunction, data: unknown) => app.call(func, data as never, optionsOf(func))
  // Prompt arguments and URI parameters are strings, read by the function's schema.
  const runWithStrings = (func: AnyAPIFunction, values: Record<string, string>) => calls.callWithStrings(func, values, optionsOf(func))

  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: [...catalog.tools.values()].map(({ name, title, description, inputSchema, tags, deprecated }) => {
      const tool = { name, title, description, inputSchema: inputSchema as { type: 'object' } }
      // Tags and deprecation have no field of their own in MCP: they go in the tool's `_meta`.
      return tags || deprecated ? { ...tool, _meta: { 'pikku/tags': tags, 'pikku/deprecated': deprecated } } : tool
    }),
  }))
  server.setRequestHandler(CallToolRequestSchema, async ({ params }) => {
    const tool = catalog.tools.get(params.name)
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${params.name}`)
    let result: unknown
    try {
      result = await run(tool.func, params.arguments ?? {})
    } catch (error) {
      if (isRefusal(error)) throw protocolError(error)
      // The error as an HTTP answer would carry it (unknown ones logged, hidden in production).
      const { body } = describeThrow(portOf(app).built.env, error, undefined)
      const name = 'name' in body ? body.name : 'InternalServerError'
      return { isError: true, content: [{ type: 'text' as const, text: JSON.stringify({ name, message: body.message ?? 'Internal server error' }) }] }
    }
    return { content: [{ type: 'text' as const, text: typeof result === 'string' ? result : (JSON.stringify(result) ?? 'null') }] }
  })

  server.setRequestHandler(ListResourcesRequestSchema, () => ({
    resources: catalog.resources.filter((r) => r.params.length === 0).map(({ uri, name, title, description, mimeType }) => ({ uri, name, title, description, mimeType })),
  }))
  server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({
    resourceTemplates: catalog.resources
      .filter((r) => r.params.length > 0)
      .map(({ uri, name, title, description, mimeType }) => ({ uriTemplate: uri, name, title, description, mimeType })),
  }))
  server.setRequestHandler(ReadResourceRequestSchema, async ({ params }) => {
    const found = findResource(catalog, params.uri)
    if (!found) throw new McpError(ErrorCode.InvalidParams, `Unknown resource: ${params.uri}`)
    const result = await guarded(() => runWithStrings(found.resource.func, found.params))
    const text = typeof result === 'string' ? result : (JSON.stringify(result) ?? 'null')
    const mimeType = found.resource.mimeType ?? (typeof result === 'string' ? 'text/plain' : 'application/json')
    return { contents: [{ uri: params.uri, mimeType, text }] }
  })

  server.setRequestHandler(ListPromptsRequestSchema, () => ({
    prompts: [...catalog.prompts.values()].map(({ name, title, description, arguments: args }) => ({ name, title, description, arguments: args })),
  }))
  server.setRequestHandler(GetPromptRequestSchema, async ({ params }) => {
    const prompt = catalog.prompts.get(params.name)
    if (!prompt) throw new McpError(ErrorCode.InvalidParams, `Unknown prompt: ${params.name}`)
    const result = await guarded(() => runWithStrings(prompt.func, params.arguments ?? {}))
    const messages: MCPPromptMessage[] = typeof result === 'string' ? [{ role: 'user', text: result }] : (result as MCPPromptMessage[])
    return {
      description: prompt.description,
      messages: messages.map(({ role, text }) => ({ role, content: { type: 'text' as const, text } })),
    }
  })
  return server
}

/** The resource a URI names, and its parameters. */
function findResource(catalog: MCPCatalog, uri: string) {
  for (const resource of catalog.resources) {
    const params = resource.match(uri)
    if (params) return { resource, params }
  }
  return undefined
}

/** Runs a resource's or prompt's function: every failure is the request's error. */
async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (error) {
    throw protocolError(error)
  }
}

/** Errors that refuse the request itself (bad arguments, no session, no permission), rather than report a tool's failure. */
function isRefusal(error: unknown): boolean {
  return error instanceof PikkuError && ['UnprocessableContentError', 'BadRequestError', 'MissingSessionError', 'InvalidSessionError', 'ForbiddenError'].includes(error.name)
}

/** A Pikku error as MCP's: invalid arguments are -32602 (with the engine's list of problems), the rest -32600 / -32603. */
function protocolError(error: unknown): McpError {
  if (error instanceof McpError) return error
  if (error instanceof PikkuError) {
    const code = error.name === 'UnprocessableContentError' || error.name === 'BadRequestError' ? ErrorCode.InvalidParams : error.name === 'InternalServerError' ? ErrorCode.InternalError : ErrorCode.InvalidRequest
    return new McpError(code, `${error.name}: ${error.message}`, error.payload)
  }
  return new McpError(ErrorCode.InternalError, 'Internal error')
}
