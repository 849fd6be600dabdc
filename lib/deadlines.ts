/**
 * How long functions may run. Every running invocation with a limit is in one list, swept by
 * one timer while any is running: a request pays for one object linked in and out of the
 * list (no timer, no closure, no hashing of its own; the `AbortController` is made only when
 * the function reads its signal). Limits are kept to the sweep's tick (`TICK_MS`): a 30 s
 * limit ends between 30 and 30.1 s.
 */

/** How often running invocations are checked against their limits. */
export const TICK_MS = 100

/** The largest limit (what `setTimeout` takes). */
export const MOST_TIMEOUT_MS = 2 ** 31 - 1

/** The default limit of an HTTP request's function. */
export const DEFAULT_TIMEOUT_MS = 30_000

/** One invocation's limit, linked into its `Deadlines` while the invocation runs; what it does
 * when the limit passes (answer the request, say) is its subclass's `passed`. */
export abstract class Deadline {
  /** Set once the limit passed: the invocation's answer has been given, its result is dropped. */
  expired = false
  /** When the limit passes (set by `Deadlines.start`). */
  at = 0
  /** @internal the running list */
  prev: Deadline | undefined = undefined
  /** @internal the running list */
  next: Deadline | undefined = undefined
  /** @internal in the running list */
  linked = false
  private controller: AbortController | undefined = undefined

  constructor(readonly limitMs: number) {}

  /** Aborted when the limit passes (the function should stop its work). */
  get signal(): AbortSignal {
    this.controller ??= new AbortController()
    return this.controller.signal
  }

  /** Runs once, when the limit passes before the invocation ends. */
  protected abstract passed(): void

  /** @internal */
  expire(): void {
    this.expired = true
    this.controller?.abort(new DOMException(`the function ran for its limit of ${this.limitMs} ms`, 'TimeoutError'))
    this.passed()
  }
}

/** A signal that never aborts, for invocations without a limit. */
export const NEVER_ABORTED: AbortSignal = new AbortController().signal

/** The running invocations with a limit, and the timer that sweeps them. */
export class Deadlines {
  /** The running list, oldest first. */
  private head: Deadline | undefined = undefined
  private tail: Deadline | undefined = undefined
  private timer: ReturnType<typeof setInterval> | undefined = undefined
  /** The time as of the last tick (exact when the timer starts). */
  private clock = 0

  /** Starts `deadline` (its `limitMs` is more than 0); it is returned, for `finish`. */
  start<D extends Deadline>(deadline: D): D {
    if (this.timer === undefined) {
      this.clock = performance.now()
      this.timer = setInterval(() => this.sweep(), TICK_MS)
      this.timer.unref() // a deadline alone does not keep the process alive
    }
    deadline.at = this.clock + deadline.limitMs
    deadline.linked = true
    deadline.prev = this.tail
    if (this.tail) this.tail.next = deadline
    else this.head = deadline
    this.tail = deadline
    return deadline
  }

  /** Ends `deadline` as its invocation finishes (again: no effect): `false` when it had passed. */
  finish(deadline: Deadline | undefined): boolean {
    if (deadline === undefined) return true
    if (deadline.expired) return false
    if (deadline.linked) this.unlink(deadline)
    return true
  }

  private unlink(deadline: Deadline): void {
    const { prev, next } = deadline
    if (prev) prev.next = next
    else this.head = next
    if (next) next.prev = prev
    else this.tail = prev
    deadline.prev = deadline.next = undefined
    deadline.linked = false
  }

  private sweep(): void {
    this.clock = performance.now()
    // Limits differ by route, so the list is not in order of `at`: every entry is looked at.
    for (let deadline = this.head; deadline !== undefined; ) {
      const next = deadline.next
      if (deadline.at <= this.clock) {
        this.unlink(deadline)
        deadline.expire()
      }
      deadline = next
    }
    if (this.head === undefined) {
      clearInterval(this.timer)
      this.timer = undefined
    }
  }
}
