/** The most set aside for a body before its bytes arrive. */
const FIRST_BYTES = 64 * 1024

/**
 * A request body gathered as it streams in: one buffer, sized by the declared length or grown
 * by doubling, up to a limit. Chunks are copied and let go, never kept: each may be a view of
 * a much larger read buffer, so a client sending its body a byte at a time would otherwise pin
 * a read buffer per byte.
 */
export class BodyBuffer {
  private buffer: Buffer
  private size = 0

  /**
   * `declared`: the Content-Length, if any (already checked against `limit`). At most
   * `FIRST_BYTES` are set aside before they arrive: a client that declares a megabyte and
   * sends nothing holds no megabyte.
   */
  constructor(
    private readonly limit: number,
    declared: number,
  ) {
    const known = Number.isSafeInteger(declared) && declared >= 0
    this.buffer = Buffer.allocUnsafe(Math.min(known ? declared : FIRST_BYTES, FIRST_BYTES, limit))
  }

  /** Adds `chunk`; `false` when the body would pass the limit (nothing is added then). */
  add(chunk: Uint8Array): boolean {
    if (chunk.byteLength > this.limit - this.size) return false
    const needed = this.size + chunk.byteLength
    if (needed > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.limit, Math.max(needed, this.buffer.length * 2)))
      this.buffer.copy(grown, 0, 0, this.size)
      this.buffer = grown
    }
    this.buffer.set(chunk, this.size)
    this.size = needed
    return true
  }

  /** The body so far. */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.size)
  }
}
