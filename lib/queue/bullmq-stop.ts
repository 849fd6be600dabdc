// A graceful stop of a BullMQ worker with a time limit: it takes no new jobs at once, its
// running jobs get the grace period, and those still running after it are left to BullMQ,
// which runs them again in another process once their lock lapses (at-least-once delivery).
import type { Job } from 'bullmq'

import { settlesWithin } from '../close-options.js'
import type { AnyWorker } from './bullmq-connection.js'

/** The jobs a worker is running now, counted around its processor. */
export class RunningJobs {
  count = 0
  /** Set when the worker stops: a job it still fetched goes back to wait for another. */
  stopping = false
  private waiters: (() => void)[] = []

  /** Runs `work` for `job`, counted while it runs; once stopping, hands the job back instead. */
  async run<T>(job: Job, token: string | undefined, work: () => Promise<T>): Promise<T> {
    if (this.stopping) {
      // A fetch under way when the worker paused can still bring a job: back to wait with it.
      await job.moveToWait(token)
      const handedBack = new Error('the worker is stopping: the job went back to wait')
      handedBack.name = 'WaitingError' // BullMQ's sign that the job was moved, not failed
      throw handedBack
    }
    this.count++
    try {
      return await work()
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
  running.stopping = true
  await worker.pause(true)
  const left = (await settlesWithin(running.drained(), graceMs)) ? 0 : running.count
  await worker.close(left > 0)
  return left
}
