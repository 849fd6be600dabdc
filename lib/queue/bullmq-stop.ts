// A graceful stop of a BullMQ worker with a time limit: it takes no new jobs at once, its
// running jobs get the grace period, and those still running after it are left to BullMQ,
// which runs them again in another process once their lock lapses (at-least-once delivery).
import { settlesWithin } from '../close-options.js'
import type { AnyWorker } from './bullmq-connection.js'

/** The jobs a worker is running now, counted around its processor. */
export class RunningJobs {
  count = 0
  private waiters: (() => void)[] = []

  /** Runs `job`, counted while it runs. */
  async track<T>(job: () => Promise<T>): Promise<T> {
    this.count++
    try {
      return await job()
    } finally {
      if (--this.count === 0) for (const wake of this.waiters.splice(0)) wake()
    }
  }

  /** Resolves when no job is running. */
  drained(): Promise<void> {
    return this.count === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve))
  }
}

/**
 * Stops `worker` taking jobs, waits up to `graceMs` for its running ones, then closes it;
 * resolves with how many were still running (left for BullMQ to run again elsewhere).
 */
export async function stopWorker(worker: AnyWorker, running: RunningJobs, graceMs: number): Promise<number> {
  await worker.pause(true)
  const left = (await settlesWithin(running.drained(), graceMs)) ? 0 : running.count
  await worker.close(left > 0)
  return left
}
