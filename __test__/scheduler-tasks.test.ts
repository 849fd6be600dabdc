// Scheduled tasks run through the app: runNow, the context a task sees, the errors that
// refuse bad tasks at start-up, and wiring with addScheduledTask. Seconds-level schedules keep
// every test within a few seconds.
import { describe, expect, it } from 'vitest'

import {
  addScheduledTask,
  createApp,
  createScheduler,
  pikkuFunc,
  pikkuSessionlessFunc,
  wireScheduler,
  type InvocationContext,
  type ScheduledTaskContext,
  type ScheduledTaskWiring,
} from '@pikku/native'

import { EVERY_SECOND, schedulerFor, stopSchedulersAfterEach, until } from './helpers/schedulers.js'

stopSchedulersAfterEach()

describe('runNow', () => {
  it('runs a task through the app and returns its result, started or not', async () => {
    const report = pikkuSessionlessFunc<void, { open: number }>(async ({ todos }) => ({ open: todos.filter((t) => !t.completed).length }))
    const todos = [
      { id: 1, title: 'Buy milk', completed: false },
      { id: 2, title: 'Try Pikku', completed: true },
    ]
    const { scheduler } = schedulerFor([{ name: 'report', schedule: '0 0 1 1 *', func: report }], { singletonServices: { todos } })
    const before = Date.now()
    const outcome = await scheduler.runNow('report')
    expect(outcome).toEqual({ status: 'completed', scheduledAt: expect.any(Date), result: { open: 1 } })
    if (outcome.status !== 'completed') throw new Error('unreachable')
    expect(outcome.scheduledAt.getTime()).toBeGreaterThanOrEqual(before - 5)
    expect(scheduler.list()[0]).toMatchObject({ runs: 1, running: 0, nextRunAt: null })
  })

  it('returns and logs a failure', async () => {
    const failing = pikkuSessionlessFunc<void, void>(async () => {
      throw new Error('disk full')
    })
    const { scheduler, logger } = schedulerFor([{ name: 'backup', schedule: '0 0 1 1 *', func: failing }])
    const outcome = await scheduler.runNow('backup')
    expect(outcome.status).toBe('failed')
    expect(((outcome as { error: Error }).error).message).toBe('disk full')
    expect(logger.errors).toHaveLength(1)
  })

  it('names the tasks when the name is unknown', async () => {
    const noop = pikkuSessionlessFunc<void, void>(async () => undefined)
    const { scheduler } = schedulerFor([{ name: 'a', schedule: '0 0 1 1 *', func: noop }])
    await expect(scheduler.runNow('b')).rejects.toThrow('PIKKU_ERR_SCHEDULE: runNow: no scheduled task is named `b` (tasks: `a`)')
  })
})

describe('the context a task sees', () => {
  it('reaches the session services factory and the function through it, without a session', async () => {
    const seen: Array<{ task: ScheduledTaskContext | undefined; session: unknown; closed: boolean }> = []
    let closed = 0
    const cleanup = pikkuSessionlessFunc<void, void>(async (services, _data, session) => {
      seen.push({ task: (services as { task?: ScheduledTaskContext }).task, session, closed: closed > 0 })
    })
    const { scheduler } = schedulerFor([{ name: 'cleanup', schedule: EVERY_SECOND, timezone: 'Europe/Helsinki', func: cleanup }], {
      createSessionServices: (_singletons: unknown, _session: unknown, context: InvocationContext) => ({
        task: context.scheduledTask,
        close: () => void closed++,
      }),
    })
    const manual = await scheduler.runNow('cleanup')
    scheduler.start()
    await until(() => seen.length >= 2)
    await scheduler.stop()

    expect(manual.status).toBe('completed')
    for (const { task, session } of seen) {
      expect(task).toEqual({ name: 'cleanup', schedule: EVERY_SECOND, scheduledAt: expect.any(Date) })
      expect(session).toBeUndefined()
    }
    // The timed run was due on a whole second; the services were closed after each run.
    expect(seen[1]!.task!.scheduledAt.getMilliseconds()).toBe(0)
    expect(closed).toBe(seen.length)
  })
})

describe('start-up errors', () => {
  it('refuses a task whose function has a schema that `{}`, the input of every run, does not pass', () => {
    const needsId = pikkuSessionlessFunc<{ id: number }, void>({
      input: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
      func: async () => undefined,
    })
    // A task's data is made by the scheduler; the types refuse this, JavaScript callers get the error.
    const task = { name: 'needs-id', schedule: '@daily', func: needsId } as unknown as ScheduledTaskWiring
    expect(() => createScheduler(createApp({ routes: [] }), { tasks: [task] })).toThrow(
      /PIKKU_ERR_SCHEDULE: scheduled task `needs-id`: it runs `.*`, whose input schema refuses `\{\}`, the input of every scheduled run[\s\S]*= help: make its input optional/,
    )
  })

  it('name every bad task: cron expression, time zone, duplicate name, a function that needs a session', () => {
    const noop = pikkuSessionlessFunc<void, void>(async () => undefined)
    const needsSession = pikkuFunc<void, void>({ name: 'whoAmI', func: async () => undefined })
    expect(() =>
      createScheduler(createApp({ routes: [] }), {
        tasks: [
          { name: 'hourly', schedule: '0 * * *', func: noop },
          { name: 'reports', schedule: '0 25 * * *', func: noop },
          { name: 'helsinki', schedule: '0 9 * * *', timezone: 'Europe/Helsinky', func: noop },
          { name: 'hourly', schedule: '@hourly', func: noop },
          // @ts-expect-error: a function that needs a session cannot be scheduled
          { name: 'private', schedule: '@daily', func: needsSession },
        ],
      }),
    ).toThrow(
      [
        'PIKKU_ERR_SCHEDULE: scheduled task `private`: it runs `whoAmI`, which needs a session (pikkuFunc); scheduled tasks run without one\n    = help: define it with pikkuSessionlessFunc',
        'PIKKU_ERR_SCHEDULE: scheduled task `hourly`: schedule `0 * * *` has 4 fields; a schedule has 5 fields (minute hour day-of-month month day-of-week, as `*/5 * * * *`) or 6 with seconds first (`*/10 * * * * *`)',
        'PIKKU_ERR_SCHEDULE: scheduled task `reports`: schedule `0 25 * * *` is not a valid cron expression: the hour (0-23) field `25` is invalid: Component error: Number out of bounds.',
        'PIKKU_ERR_SCHEDULE: scheduled task `helsinki`: time zone `Europe/Helsinky` is not an IANA time zone name; use one such as `Europe/Helsinki`, `America/New_York` or `UTC`',
        'PIKKU_ERR_SCHEDULE: scheduled task `hourly` is registered twice; give every task a unique `name`',
      ].join('\n'),
    )
  })
})

describe('wiring', () => {
  it('addScheduledTask and wireScheduler are one function, and the scheduler takes what they wired', async () => {
    expect(wireScheduler).toBe(addScheduledTask)
    const ran: string[] = []
    const make = (name: string) => pikkuSessionlessFunc<void, void>(async () => void ran.push(name))
    addScheduledTask({ name: 'wired-a', schedule: '0 0 1 1 *', func: make('a') })
    wireScheduler({ name: 'wired-b', schedule: '0 0 1 1 *', func: make('b') })
    const scheduler = createScheduler(createApp({ routes: [] }))
    expect(scheduler.list().map((t) => t.name)).toEqual(['wired-a', 'wired-b'])
    await scheduler.runNow('wired-b')
    expect(ran).toEqual(['b'])
  })

  it('refuses at compile time a function that needs input, and runs one whose input is optional', async () => {
    const withInput = pikkuSessionlessFunc<{ id: number }, void>(async () => undefined)
    // @ts-expect-error: scheduled tasks get no input
    const task: ScheduledTaskWiring = { name: 'x', schedule: '@daily', func: withInput }
    expect(task.name).toBe('x')

    const seen: unknown[] = []
    const optional = pikkuSessionlessFunc<{ dryRun?: boolean }, void>({
      input: { type: 'object', properties: { dryRun: { type: 'boolean' } }, additionalProperties: false },
      func: async (_services, data) => void seen.push(data),
    })
    const { scheduler } = schedulerFor([{ name: 'optional', schedule: '@daily', func: optional }])
    expect((await scheduler.runNow('optional')).status).toBe('completed')
    expect(seen).toEqual([{}])
  })
})
