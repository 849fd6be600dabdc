// `@pikku/native/mcp`: an app's tools (functions marked `mcp: true`), resources and prompts,
// served to agents over the Model Context Protocol — Streamable HTTP on a path of the app's
// server, or stdio for local agents — on the official MCP SDK (an optional peer dependency,
// loaded only by this entry).

import type { IncomingMessage, ServerResponse } from 'node:http'

import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'

import type { PikkuApp } from './app.js'
import { portOf } from './app/port.js'
import { nodeBody } from './http/node.js'
import { readWebBody } from './http/web.js'
import { mcpCatalog } from './mcp/catalog.js'
import { createMCPServer, serverOf, type MCPServerOptions } from './mcp/server.js'

export { createMCPServer, type MCPServerOptions, type MCPCallContext } from './mcp/server.js'
export { wireMCPPrompt, wireMCPResource, type MCPPromptMessage, type MCPPromptWiring, type MCPResourceWiring } from './mcp/wiring.js'

/**
 * A Fetch API handler speaking MCP's Streamable HTTP (stateless: each request stands alone),
 * for `Bun.serve`, `Deno.serve`, Next.js route handlers or a Fetch-based router. Bodies are
 * held to the app's `maxBodyBytes`.
 *
 * ```ts
 * const mcp = createMCPFetchHandler(app)
 * Bun.serve({ fetch: (req) => (new URL(req.url).pathname === '/mcp' ? mcp(req) : api(req)) })
 * ```
 */
export function createMCPFetchHandler(app: PikkuApp, options: MCPServerOptions = {}): (request: Request) => Promise<Response> {
  const { http, built } = portOf(app)
  const [limit, catalog] = [http.maxBodyBytes, mcpCatalog(built)]
  return async (request) => {
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
    const server = serverOf(app, catalog, options)
    await server.connect(transport)
    try {
      if (request.method !== 'POST') return await transport.handleRequest(request)
      const body = await readWebBody(request, limit)
      const parsed = parseMessage(body, limit)
      if (parsed instanceof Response) return parsed
      return await transport.handleRequest(request, { parsedBody: parsed })
    } finally {
      void server.close()
    }
  }
}

/**
 * A `node:http` / Express handler speaking MCP's Streamable HTTP (stateless), for the path
 * it is mounted on. Bodies are held to the app's `maxBodyBytes`.
 *
 * ```ts
 * const mcp = createMCPRequestListener(app)
 * express().post('/mcp', mcp)                       // or, with node:http:
 * createServer((req, res) => (req.url === '/mcp' ? mcp(req, res) : api(req, res)))
 * ```
 */
export function createMCPRequestListener(app: PikkuApp, options: MCPServerOptions = {}): (req: IncomingMessage, res: ServerResponse) => void {
  const { http, built } = portOf(app)
  const [limit, catalog] = [http.maxBodyBytes, mcpCatalog(built)]
  const answer = async (req: IncomingMessage, res: ServerResponse) => {
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true })
    const server = serverOf(app, catalog, options)
    res.on('close', () => void server.close())
    await server.connect(transport)
    if (req.method !== 'POST') return transport.handleRequest(req, res)
    const parsed = parseMessage(await nodeBody(req, limit), limit)
    if (parsed instanceof Response) {
      res.writeHead(parsed.status, Object.fromEntries(parsed.headers))
      return void res.end(await parsed.text())
    }
    await transport.handleRequest(req, res, parsed)
  }
  return (req, res) => {
    answer(req, res).catch((error: unknown) => {
      app.logger.error('pikku: an MCP request failed', error)
      if (!res.headersSent) res.writeHead(500).end()
      else res.destroy()
    })
  }
}

/**
 * Serves the app's MCP tools, resources and prompts on this process's stdin and stdout, for a
 * local agent that starts the process. Nothing else may write to stdout meanwhile.
 *
 * ```ts
 * await serveMCPStdio(app, { name: 'todos' })
 * ```
 */
export async function serveMCPStdio(app: PikkuApp, options: MCPServerOptions = {}): Promise<void> {
  await createMCPServer(app, options).connect(new StdioServerTransport())
}

/** A JSON-RPC message from a body read within the limit, or the answer refusing it. */
function parseMessage(body: Uint8Array | null, limit: number): unknown {
  if (body === null) return jsonRpcError(413, -32600, `The request body is larger than ${limit} bytes`)
  try {
    return JSON.parse(Buffer.from(body).toString('utf8')) as unknown
  } catch {
    return jsonRpcError(400, -32700, 'Parse error: the body is not JSON')
  }
}

function jsonRpcError(status: number, code: number, message: string): Response {
  return new Response(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }), { status, headers: { 'content-type': 'application/json' } })
}
