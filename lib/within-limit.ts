import { Deadline, type Deadlines } from './deadlines.js'
import { GatewayTimeoutError } from './errors.js'

/** A limit that rejects its invocation's promise when it passes. */
class RejectingDeadline extends Deadline {
  reject: (error: unknown) => void = () => {}

  constructor(
    limitMs: number,
    private readonly label: string,
  ) {
    super(limitMs)
  }

  protected passed(): void {
    this.reject(new GatewayTimeoutError(`${this.label} did not finish within its limit of ${this.limitMs} ms`))
  }
}

/**
 * Runs `run` within `limitMs` (0: no limit). Past the limit the promise rejects with a
 * `GatewayTimeoutError` naming `label`, and the signal of the deadline handed to `run` aborts,
 * so that the function can stop its work; what `run` settles with later is dropped.
 */
export function withinLimit<T>(deadlines: Deadlines, limitMs: number, label: string, run: (deadline: Deadline | undefined) => Promise<T>): Promise<T> {
  if (limitMs === 0) return run(undefined)
  const deadline = deadlines.start(new RejectingDeadline(limitMs, label))
  return new Promise<T>((resolve, reject) => {
    deadline.reject = reject
    run(deadline).then(
      (value) => deadlines.finish(deadline) && resolve(value),
      (error: unknown) => deadlines.finish(deadline) && reject(error),
    )
  })
}
