import type { PikkuApp } from '../../app.js'
import { checkWorkers, runQueueJob } from '../../queue/worker-runs.js'
import { registeredQueueWorkers, type QueueWorker } from '../../queue/wiring.js'
import { PikkuStartupError } from '../../startup-error.js'
import type { Logger } from '../../types.js'

/** An SQS event, as Lambda's event source mapping delivers it. */
export interface SqsEvent {
  Records: SqsRecord[]
}

export interface SqsRecord {
  messageId: string
  body: string
  attributes?: { ApproximateReceiveCount?: string } & Record<string, string | undefined>
  eventSource?: string
  eventSourceARN: string
}

/** Which messages failed, for SQS to deliver again (the mapping's `ReportBatchItemFailures`). */
export interface SqsBatchResponse {
  batchItemFailures: { itemIdentifier: string }[]
}

/** How the SQS handler finds and logs. */
export interface LambdaSqsOptions {
  /** The workers (default: every `addQueueWorker` made so far), found by their queue's name, the SQS queue's. */
  workers?: readonly QueueWorker[]
  /** Where failed messages are logged (default: the app's logger). */
  logger?: Logger
}

/**
 * An AWS Lambda handler for SQS events: each message's body (JSON) is a job of the worker whose
 * `queue` is the SQS queue's name, run through the app (validated, with its services) like a
 * job of `createQueues`. Failed messages are reported as batch item failures, so SQS delivers
 * only those again: turn on `ReportBatchItemFailures` in the event source mapping. On a FIFO
 * queue the messages run in order, and those after a failure are reported with it.
 *
 * ```ts
 * export const handler = createSqsHandler(app)   // throws at start-up on a worker that cannot run
 * ```
 */
export function createSqsHandler(app: PikkuApp, options: LambdaSqsOptions = {}): (event: SqsEvent) => Promise<SqsBatchResponse> {
  const { problems, byName } = checkWorkers(app, options.workers ?? registeredQueueWorkers())
  if (problems.length) throw new PikkuStartupError(problems)
  const logger = options.logger ?? app.logger

  const runOne = async (record: SqsRecord): Promise<boolean> => {
    const queue = record.eventSourceARN?.split(':').pop() ?? ''
    const worker = byName.get(queue) ?? byName.get(queue.replace(/\.fifo$/, ''))
    try {
      if (!worker) {
        const known = [...byName.keys()].map((name) => `\`${name}\``).join(', ') || 'none'
        throw new Error(`no worker is wired to queue \`${queue}\` (known: ${known}); wire one with addQueueWorker({ queue: '${queue}', func })`)
      }
      const attempt = Number(record.attributes?.ApproximateReceiveCount ?? 1)
      const enqueuedAt = new Date(Number(record.attributes?.SentTimestamp ?? Date.now()))
      const job = { id: record.messageId, queue: worker.queue, data: JSON.parse(record.body) as unknown, attempt, maxAttempts: worker.retries + 1, enqueuedAt }
      await runQueueJob(app, worker, job)
      return true
    } catch (error) {
      logger.error(`pikku: SQS message ${record.messageId} of queue \`${queue}\` failed; SQS delivers it again`, error)
      return false
    }
  }

  return async (event) => {
    if (!Array.isArray(event?.Records)) throw new TypeError('PIKKU_ERR_LAMBDA: the event has no `Records` list: not an SQS event')
    const failed: string[] = []
    if (event.Records.some((record) => record.eventSourceARN?.endsWith('.fifo'))) {
      for (const record of event.Records) {
        if (failed.length > 0 || !(await runOne(record))) failed.push(record.messageId) // order kept: the rest wait
      }
    } else {
      const outcomes = await Promise.all(event.Records.map(runOne))
      event.Records.forEach((record, index) => outcomes[index] || failed.push(record.messageId))
    }
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) }
  }
}
