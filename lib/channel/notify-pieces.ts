// Broadcasts cut to fit PostgreSQL notifications (each less than 8000 bytes) and put back
// together: a piece is `<origin>:<number>:<index>:<count>:<text>`, the origin a UUID.

/** The most bytes of text in one piece, leaving room for its header. */
const PIECE_BYTES = 7800
/** Broadcasts kept while their pieces arrive; more means pieces were lost, and the oldest go. */
const MAX_PARTIAL = 64
/** The most pieces of one broadcast (about 8 MB): a notification claiming more is not ours. */
export const MAX_PIECES = 1024

/** `text` as the pieces of broadcast `id` (`<origin>:<number>`), each within a notification. */
export function splitIntoPieces(id: string, text: string, pieceBytes = PIECE_BYTES): string[] {
  const parts: string[] = []
  for (let start = 0; start < text.length || parts.length === 0; ) {
    if (parts.length === MAX_PIECES) throw new RangeError(`a broadcast of ${Buffer.byteLength(text)} bytes is more than ${MAX_PIECES} notifications`)
    let end = Math.min(text.length, start + pieceBytes)
    for (let bytes = Buffer.byteLength(text.slice(start, end)); bytes > pieceBytes; bytes = Buffer.byteLength(text.slice(start, end))) {
      end = start + Math.floor(((end - start) * pieceBytes) / bytes)
    }
    const code = text.charCodeAt(end - 1)
    if (end < text.length && code >= 0xd800 && code <= 0xdbff) end-- // not between the halves of a pair
    parts.push(text.slice(start, end))
    start = end
  }
  return parts.map((part, index) => `${id}:${index}:${parts.length}:${part}`)
}

/**
 * Takes one piece; returns the broadcast and its origin once all its pieces are in (at once
 * for a broadcast of one piece), else `undefined`. `partial` holds the broadcasts under way.
 */
export function joinPieces(partial: Map<string, string[]>, piece: string): { origin: string; text: string } | undefined {
  const head = /^([0-9a-f-]{36}):(\d+):(\d+):(\d+):/.exec(piece)
  if (!head) return undefined
  const [prefix, origin, number, indexText, countText] = head as unknown as [string, string, string, string, string]
  const [index, count] = [Number(indexText), Number(countText)]
  const text = piece.slice(prefix.length)
  if (count === 1 && index === 0) return { origin, text }
  if (count < 1 || count > MAX_PIECES || index >= count) return undefined
  // The pieces of one broadcast come in order (one transaction): anything else is dropped.
  const key = `${origin}:${number}`
  const parts = partial.get(key) ?? []
  if (index !== parts.length) {
    partial.delete(key)
    return undefined
  }
  if (index === 0) {
    partial.set(key, parts)
    if (partial.size > MAX_PARTIAL) partial.delete(partial.keys().next().value!)
  }
  parts.push(text)
  if (parts.length < count) return undefined
  partial.delete(key)
  return { origin, text: parts.join('') }
}
