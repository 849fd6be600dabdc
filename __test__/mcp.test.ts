// MCP: the app's tools, resources and prompts as the official MCP TypeScript SDK's client sees
// them — over Streamable HTTP (the node:http listener and the Fetch handler, on 127.0.0.1)
// and over stdio (the fixture app run as a local server).
import { createServer } from 'node:http'
import { join } from 'node:path'

import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createMCPFetchHandler, createMCPRequestListener } from '@pikku/native/mcp'

import { makeMcpApp } from './fixtures/mcp-app.mjs'
import { fetchBridge, listen, type Running } from './helpers/servers.js'

const fixture = join(__dirname, 'fixtures', 'mcp-app.mjs')

type Kind = 'http (node:http)' | 'http (fetch)' | 'stdio'

async function connect(kind: Kind): Promise<{ client: Client; close: () => Promise<void> }> {
  let server: Running | undefined
  let transport: Transport
  if (kind === 'stdio') {
    transport = new StdioClientTransport({ command: process.execPath, args: [fixture, 'stdio'], stderr: 'inherit' })
  } else {
    const app = makeMcpApp()
    const listener = kind === 'http (fetch)' ? fetchBridge(createMCPFetchHandler(app, { name: 'notes', version: '1.2.3' })) : createMCPRequestListener(app, { name: 'notes', version: '1.2.3' })
    server = await listen(createServer((req, res) => (req.url === '/mcp' ? listener(req, res) : res.writeHead(404).end())))
    transport = new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`))
  }
  const client = new Client({ name: 'pikku-test', version: '1.0.0' })
  await client.connect(transport)
  return {
    client,
    close: async () => {
      await client.close()
      await server?.close()
    },
  }
}

describe.each(['http (node:http)', 'http (fetch)', 'stdio'] as Kind[])('MCP over %s, read by the official SDK client', (kind) => {
  let client: Client
  let close: () => Promise<void>
  beforeAll(async () => {
    ;({ client, close } = await connect(kind))
  })
  afterAll(() => close?.())

  it('names the server and lists the functions marked `mcp: true` as tools, with their input schemas', async () => {
    expect(client.getServerVersion()).toMatchObject({ name: 'notes', version: '1.2.3' })
    const { tools } = await client.listTools()
    expect(tools.map((t) => t.name).sort()).toEqual(['addNote', 'conflicting', 'privateNotes'])
    const add = tools.find((t) => t.name === 'addNote')!
    expect(add.title).toBe('Add a note')
    expect(add.description).toBe('Adds a note and returns it')
    expect(add._meta).toEqual({ 'pikku/tags': ['notes'] })
    expect(add.inputSchema).toMatchObject({ type: 'object', properties: { title: { type: 'string', minLength: 1 } }, required: ['title'] })
  })

  it('calls a tool: valid input runs the function, invalid input is refused by the engine (-32602)', async () => {
    const result = await client.callTool({ name: 'addNote', arguments: { title: 'Bread' } })
    expect(result.isError).toBeFalsy()
    expect(JSON.parse((result.content as { text: string }[])[0]!.text)).toMatchObject({ title: 'Bread' })
    const refused = await client.callTool({ name: 'addNote', arguments: { title: '' } }).catch((error: unknown) => error)
    expect(refused).toMatchObject({ code: -32602 })
    expect(String((refused as Error).message)).toMatch(/UnprocessableContentError: .*title/)
    await expect(client.callTool({ name: 'nope', arguments: {} })).rejects.toMatchObject({ code: -32602 })
    await expect(client.callTool({ name: 'internal', arguments: {} })).rejects.toMatchObject({ code: -32602 })
  })

  it("reports a tool's own failure in its result, and refuses a tool that needs a session", async () => {
    const failed = await client.callTool({ name: 'conflicting', arguments: {} })
    expect(failed.isError).toBe(true)
    expect(JSON.parse((failed.content as { text: string }[])[0]!.text)).toEqual({ name: 'ConflictError', message: 'that note exists already' })
    await expect(client.callTool({ name: 'privateNotes', arguments: {} })).rejects.toMatchObject({ code: -32600 })
  })

  it('lists and reads resources, fixed and templated', async () => {
    expect((await client.listResources()).resources).toEqual([{ uri: 'notes://all', name: 'notes', description: 'Every note' }])
    expect((await client.listResourceTemplates()).resourceTemplates).toEqual([{ uriTemplate: 'notes://{id}', name: 'note', description: 'One note' }])
    const one = await client.readResource({ uri: 'notes://1' })
    expect(one.contents).toEqual([{ uri: 'notes://1', mimeType: 'application/json', text: '{"id":1,"title":"Milk"}' }])
    const all = await client.readResource({ uri: 'notes://all' })
    expect(JSON.parse((all.contents[0] as { text: string }).text)[0]).toEqual({ id: 1, title: 'Milk' })
    // The template's value is checked by the function's schema: `x` is no integer.
    await expect(client.readResource({ uri: 'notes://x' })).rejects.toMatchObject({ code: -32602 })
    await expect(client.readResource({ uri: 'other://1' })).rejects.toMatchObject({ code: -32602 })
  })

  it('lists and gets prompts, their arguments from the input schema', async () => {
    const { prompts } = await client.listPrompts()
    expect(prompts).toEqual([
      { name: 'summarize', description: 'Summarize the notes on a topic', arguments: [{ name: 'topic', description: 'What to summarize', required: true }] },
    ])
    const prompt = await client.getPrompt({ name: 'summarize', arguments: { topic: 'shopping' } })
    expect(prompt.messages).toEqual([{ role: 'user', content: { type: 'text', text: expect.stringMatching(/^Summarize my notes about shopping: Milk/) } }])
    await expect(client.getPrompt({ name: 'summarize', arguments: {} })).rejects.toMatchObject({ code: -32602 })
  })
})

describe('MCP over HTTP: the body limit', () => {
  it('refuses a body over the app limit with 413 before parsing it', async () => {
    const server = await listen(createServer(createMCPRequestListener(makeMcpApp())))
    try {
      const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(2 * 1024 * 1024) } })
      const res = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: big })
      expect(res.status).toBe(413)
      expect((await res.json()).error.code).toBe(-32600)
    } finally {
      await server.close()
    }
  })
})
