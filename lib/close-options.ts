import { MOST_TIMEOUT_MS } from './deadlines.js'

/** How a server closes. */
export interface CloseOptions {
  /**
   * How long functions still running may take to finish, in ms (default 10 000): requests get
   * their answers and channel messages their replies. Past it, requests still running are
   * answered 503 and channel messages get an error reply, before the sockets close (1001).
   */
  graceMs?: number
}

/** The default grace period of `close()`. */
export const DEFAULT_GRACE_MS = 10_000

/** The grace period `options` give, checked (a RangeError naming it otherwise). */
export function graceOf(options: CloseOptions | undefined): number {
  const grace: unknown = options?.graceMs
  if (grace === undefined) return DEFAULT_GRACE_MS
  if (typeof grace === 'number' && Number.isInteger(grace) && grace >= 0 && grace <= MOST_TIMEOUT_MS) return grace
  throw new RangeError(`PIKKU_ERR_CLOSE: graceMs must be a whole number of milliseconds from 0 to ${MOST_TIMEOUT_MS}, not ${String(grace)}`)
}
