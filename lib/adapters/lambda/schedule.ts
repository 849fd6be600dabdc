import type { PikkuApp } from '../../app.js'
import { PikkuScheduler } from '../../scheduler/scheduler.js'
import type { ScheduledTaskWiring } from '../../scheduler/wiring.js'

/** An EventBridge event of a schedule (a rule's, or EventBridge Scheduler's). */
export interface ScheduledEvent {
  'detail-type'?: string
  source?: string
  time?: string
  resources?: string[]
}

/** How the schedule handler finds its tasks. */
export interface LambdaScheduleOptions {
  /** The tasks (default: every `addScheduledTask` made so far). */
  tasks?: readonly ScheduledTaskWiring[]
  /** The task to run for every event, when the rule's or schedule's name is not a task's. */
  task?: string
}

/**
 * An AWS Lambda handler for EventBridge schedules: the event's rule (or EventBridge Scheduler
 * schedule) names the task, whose function runs through the app. EventBridge keeps the time
 * (give the rule the task's schedule); the tasks are checked as `createScheduler` checks them,
 * when the handler is made. A failed run fails the invocation, so that EventBridge's retry
 * policy applies.
 *
 * ```ts
 * export const handler = createScheduledHandler(app)   // rule `tidy-todos` runs task `tidy-todos`
 * ```
 */
export function createScheduledHandler(app: PikkuApp, options: LambdaScheduleOptions = {}): (event: ScheduledEvent) => Promise<void> {
  const scheduler = new PikkuScheduler(app, options.tasks ? { tasks: options.tasks } : {}) // the checks; never started
  const names = new Set(scheduler.list().map((task) => task.name))
  if (options.task !== undefined && !names.has(options.task)) {
    throw new Error(`PIKKU_ERR_SCHEDULE: createScheduledHandler: \`task\` names \`${options.task}\`, which is not a scheduled task (tasks: ${[...names].join(', ') || 'none'})`)
  }
  return async (event) => {
    const resource = event?.resources?.[0]
    const named = resource?.split('/').pop()
    const name = named !== undefined && names.has(named) ? named : options.task
    if (name === undefined) {
      throw new Error(
        `PIKKU_ERR_SCHEDULE: no scheduled task for ${resource === undefined ? 'an event without `resources`' : `\`${resource}\``}; name the rule or schedule after a task (tasks: ${[...names].join(', ') || 'none'}), or give the handler { task }`,
      )
    }
    const outcome = await scheduler.runNow(name)
    if (outcome.status === 'failed') throw outcome.error
  }
}
