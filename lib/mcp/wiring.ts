// What an app offers agents over the Model Context Protocol, besides its tools (functions
// marked `mcp: true`): resources and prompts, wired like routes. No MCP library is loaded
// here: serving them is `@pikku/native/mcp`'s.

import type { AnyAPIFunction } from '../types.js'

/**
 * A resource: read by URI. `uri` is fixed (`todos://all`) or a template with `{params}`
 * (`todos://{id}`), whose values become the function's input (strings, coerced by its
 * schema). The function's result is the resource's content: a string as is, anything else
 * as JSON.
 */
export interface MCPResourceWiring<F extends AnyAPIFunction = AnyAPIFunction> {
  uri: string
  /** A short name for people. */
  name: string
  title?: string
  description?: string
  /** The content's type (default `application/json`, or `text/plain` for a string result). */
  mimeType?: string
  func: F
}

/**
 * A prompt: its arguments are the function's input (strings), and the function returns the
 * prompt's text (one user message) or its messages.
 */
export interface MCPPromptWiring<F extends AnyAPIFunction = AnyAPIFunction> {
  name: string
  title?: string
  description?: string
  func: F
}

/** One message of a prompt a function returns. */
export interface MCPPromptMessage {
  role: 'user' | 'assistant'
  text: string
}

const resources: MCPResourceWiring[] = []
const prompts: MCPPromptWiring[] = []

/**
 * Offers a resource to agents (served by `@pikku/native/mcp`). Call it at the top level.
 *
 * ```ts
 * wireMCPResource({ uri: 'todos://{id}', name: 'todo', description: 'One todo', func: getTodo })
 * ```
 */
export function wireMCPResource<F extends AnyAPIFunction>(wiring: MCPResourceWiring<F>): void {
  replace(resources, wiring as unknown as MCPResourceWiring, (r) => r.uri === wiring.uri)
}

/**
 * Offers a prompt to agents (served by `@pikku/native/mcp`). Call it at the top level.
 *
 * ```ts
 * wireMCPPrompt({ name: 'summarize', description: 'Summarize the todos', func: summarizePrompt })
 * ```
 */
export function wireMCPPrompt<F extends AnyAPIFunction>(wiring: MCPPromptWiring<F>): void {
  replace(prompts, wiring as unknown as MCPPromptWiring, (p) => p.name === wiring.name)
}

/** A module evaluated again wires the same thing again: the newer wiring replaces it. */
function replace<T>(list: T[], item: T, same: (existing: T) => boolean): void {
  const at = list.findIndex(same)
  if (at >= 0) list[at] = item
  else list.push(item)
}

/** The resources wired so far. */
export function registeredMCPResources(): readonly MCPResourceWiring[] {
  return resources
}

/** The prompts wired so far. */
export function registeredMCPPrompts(): readonly MCPPromptWiring[] {
  return prompts
}
