// What the scheduler suites share: schedulers over a fresh app, stopped after each test, a
// logger that keeps what it was given, and a wait for a condition.
import { afterEach } from 'vitest'

import { createApp, createScheduler, type PikkuScheduler, type ScheduledTaskWiring } from '@pikku/native'

export const EVERY_SECOND = '* * * * * *'
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

export async function until(condition: () => boolean, timeoutMs = 4000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the scheduler')
    await sleep(10)
  }
}

/** A logger that keeps what it was given. */
function recordingLogger() {
  const errors: unknown[][] = []
  const warnings: string[] = []
  return { errors, warnings, error: (...args: unknown[]) => void errors.push(args), warn: (message: string) => void warnings.push(message) }
}

const started: PikkuScheduler[] = []

/** A scheduler over a fresh app with `tasks`, stopped after the test (see stopSchedulersAfterEach). */
export function schedulerFor(tasks: ScheduledTaskWiring[], appOptions: Parameters<typeof createApp>[0] = {}) {
  const logger = recordingLogger()
  const scheduler = createScheduler(createApp({ routes: [], logger, ...appOptions }), { tasks })
  started.push(scheduler)
  return { scheduler, logger }
}

/** Stops, after each test of the file, the schedulers that schedulerFor made. */
export function stopSchedulersAfterEach() {
  afterEach(async () => {
    await Promise.all(started.splice(0).map((scheduler) => scheduler.stop()))
  })
}
