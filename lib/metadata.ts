import { readFileSync } from 'node:fs'

import type { MetadataFile } from './generated/contract.js'
import { checkMetadata } from './native.js'

/**
 * Reads the code generator's metadata file (a path, or the parsed object). The engine checks
 * it against the format's JSON Schema first and throws naming every problem.
 */
export function loadMetadata(source: string | MetadataFile): MetadataFile {
  const origin = typeof source === 'string' ? source : 'metadata object'
  const text = typeof source === 'string' ? readFileSync(source, 'utf8') : JSON.stringify(source)
  checkMetadata(origin, text)
  return JSON.parse(text) as MetadataFile
}

/** The input schema name the metadata gives a route or a function, if any. */
export function metadataInputSchema(
  metadata: MetadataFile | undefined,
  route: { method: string; route: string } | undefined,
  functionName: string | undefined,
): string | undefined {
  if (!metadata) return undefined
  const wiring = route && metadata.http.find((w) => w.method === route.method && w.route === route.route)
  const name = wiring?.function ?? functionName
  return name ? metadata.functions[name]?.inputSchema : undefined
}

/** The function the metadata names for a channel message (`value`) or its other messages. */
export function metadataChannelFunction(metadata: MetadataFile | undefined, channel: string, value: string | undefined): string | undefined {
  const wiring = metadata?.channels?.find((c) => c.name === channel)
  if (!wiring) return undefined
  return value === undefined ? wiring.defaultFunction : wiring.messages[value]
}
