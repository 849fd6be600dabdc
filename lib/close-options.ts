import { MOST_TIMEOUT_MS } from './deadlines.js'

/** How a server closes, or queues or a scheduler stop. */
export interface CloseOptions {
  /**
   * How long functions still running may take to finish, in ms (default 10 000): requests get
   * their answers, channel messages their replies, jobs and scheduled tasks their end. Past
   * it, requests still running are answered 503 and channel messages get an error reply,
   * before the sockets close (1001); jobs and tasks still running are logged and left (a
   * broker runs a job again in another process).
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

/** Whether `work` settles within `ms` (it is not stopped when it does not). */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)))
  try {
    return await Promise.race([work.then(() => true, () => true), late])
  } finally {
    clearTimeout(timer)
  }
}
