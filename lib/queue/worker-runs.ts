// What every place that runs queue jobs shares — the queues of a process (`Queues`) and the
// SQS handler for AWS Lambda: the start-up checks of the workers, and one attempt of a job.
import type { PikkuApp } from '../app.js'
import { functionLabel, functionMeta } from '../functions.js'
import { PikkuStartupError, type StartupProblem } from '../startup-error.js'
import type { QueueJob } from './backend.js'
import type { QueueWorker } from './wiring.js'

/**
 * The workers by queue name, and what stops them from running: two workers on one queue, a
 * function that needs a session (jobs carry none), or one without an input schema (its jobs
 * would go unvalidated).
 */
export function checkWorkers(app: PikkuApp, workers: readonly QueueWorker[]): { problems: StartupProblem[]; byName: Map<string, QueueWorker> } {
  const problems: StartupProblem[] = []
  const byName = new Map<string, QueueWorker>()
  for (const worker of workers) {
    const known = byName.get(worker.queue)
    if (known && known !== worker) {
      problems.push({
        code: 'PIKKU_ERR_QUEUE_CONFLICT',
        subject: `queue \`${worker.queue}\``,
        message: `it has two workers (function \`${functionLabel(known.func)}\` and \`${functionLabel(worker.func)}\`)`,
        fix: 'give each function its own queue',
      })
    }
    if (functionMeta(worker.func)?.sessionless === false) {
      problems.push({
        code: 'PIKKU_ERR_AUTH',
        subject: `queue \`${worker.queue}\``,
        message: `it runs function \`${functionLabel(worker.func)}\`, which needs a session (pikkuFunc), but jobs carry none`,
        fix: 'define it with pikkuSessionlessFunc',
      })
    }
    try {
      app.prepare(worker.func, { auth: false, usedBy: `queue \`${worker.queue}\` (function \`${functionLabel(worker.func)}\`)` })
    } catch (error) {
      if (!(error instanceof PikkuStartupError)) throw error
      problems.push(...error.problems.filter((p) => p.code !== 'PIKKU_ERR_AUTH'))
    }
    byName.set(worker.queue, worker)
  }
  return { problems, byName }
}

/** One attempt of a job: the function through `app.call`, which validates and makes services. */
export function runQueueJob(app: PikkuApp, worker: QueueWorker, job: QueueJob): Promise<unknown> {
  const queue = { name: job.queue, jobId: job.id, attempt: job.attempt, maxAttempts: job.maxAttempts }
  return app.call(worker.func, job.data, { auth: false, context: { queue }, timeoutMs: worker.timeoutMs })
}
