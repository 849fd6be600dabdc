/**
 * How long functions may run. Every running invocation with a limit is in one set, swept by
 * one timer while any is running: a request pays for an object and a set entry, not for a
 * timer of its own (or an `AbortController`, made only when the function reads its signal).
 * Deadlines are kept to the sweep's tick (`TICK_MS`), so a 30 s limit ends between 30 and
 * 30.1 s.
 */

/** How often running invocations are checked against their limits. */
export const TICK_MS = 100

/** The largest limit (what `setTimeout` takes). */
export const MOST_TIMEOUT_MS = 2 ** 31 - 1

/** The default limit of an HTTP request's function. */
export const DEFAULT_TIMEOUT_MS = 30_000

/** One invocation's limit. */
export class Deadline {
  /** Set once the limit passed: the invocation's answer has been given, its result is dropped. */
  expired = false
  private controller: AbortController | undefined

  constructor(
    readonly at: number,
    readonly limitMs: number,
    readonly onExpiry: (deadline: Deadline) => void,
  ) {}

  /** Aborted when the limit passes (the function should stop its work). */
  get signal(): AbortSignal {
    this.controller ??= new AbortController()
    return this.controller.signal
  }

  /** @internal */
  expire(): void {
    this.expired = true
    this.controller?.abort(new DOMException(`the function ran for its limit of ${this.limitMs} ms`, 'TimeoutError'))
    this.onExpiry(this)
  }
}

/** A signal that never aborts, for invocations without a limit. */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal

/** The running invocations with a limit, and the timer that sweeps them. */
export class Deadlines {
  private readonly live = new Set<Deadline>()
  private timer: ReturnType<typeof setInterval> | undefined
  /** The time as of the last tick (exact when the timer starts). */
  private clock = 0

  /** Starts a limit of `limitMs` (0: none); `onExpiry` runs once if it passes first. */
  start(limitMs: number, onExpiry: (deadline: Deadline) => void): Deadline | undefined {
    if (limitMs === 0) return undefined
    if (this.timer === undefined) {
      this.clock = performance.now()
      this.timer = setInterval(() => this.sweep(), TICK_MS)
      this.timer.unref() // a deadline alone does not keep the process alive
    }
    const deadline = new Deadline(this.clock + limitMs, limitMs, onExpiry)
    this.live.add(deadline)
    return deadline
  }

  /** Ends `deadline` as its invocation finishes: `false` when it had passed already. */
  finish(deadline: Deadline | undefined): boolean {
    if (deadline === undefined) return true
    if (deadline.expired) return false
    this.live.delete(deadline)
    return true
  }

  /** How many invocations with a limit are running. */
  get running(): number {
    return this.live.size
  }

  private sweep(): void {
    this.clock = performance.now()
    for (const deadline of this.live) {
      if (deadline.at > this.clock) continue
      this.live.delete(deadline)
      deadline.expire()
    }
    if (this.live.size === 0) {
      clearInterval(this.timer)
      this.timer = undefined
    }
  }
}
