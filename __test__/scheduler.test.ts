// Scheduled tasks: timed by the engine on tokio, run through the app. Seconds-level schedules
// keep every test within a few seconds.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'

import {
  addScheduledTask,
  createApp,
  createScheduler,
  pikkuFunc,
  pikkuSessionlessFunc,
  wireScheduler,
  type InvocationContext,
  type PikkuScheduler,
  type ScheduledTaskContext,
  type ScheduledTaskWiring,
} from '@pikku/native'

const EVERY_SECOND = '* * * * * *'
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

async function until(condition: () => boolean, timeoutMs = 4000): Promise<void> {
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

/** A scheduler over a fresh app with `tasks`, stopped after the test. */
function schedulerFor(tasks: ScheduledTaskWiring[], appOptions: Parameters<typeof createApp>[0] = {}) {
  const logger = recordingLogger()
  const scheduler = createScheduler(createApp({ routes: [], logger, ...appOptions }), { tasks })
  started.push(scheduler)
  return { scheduler, logger }
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((scheduler) => scheduler.stop()))
})

describe('the timer', () => {
  it('runs a seconds-level schedule every second', async () => {
    const due: Date[] = []
    const tick = pikkuSessionlessFunc<void, void>(async () => undefined)
    const { scheduler: ticking } = schedulerFor([{ name: 'tick', schedule: EVERY_SECOND, func: tick }], {
      createSessionServices: (_singletons: unknown, _session: unknown, context: InvocationContext) => {
        due.push(context.scheduledTask!.scheduledAt)
        return {}
      },
    })
    ticking.start()
    await sleep(2500)
    await ticking.stop()
    expect(due.length).toBeGreaterThanOrEqual(2)
    for (const [i, at] of due.entries()) {
      expect(at.getMilliseconds()).toBe(0)
      // One second apart (a tick is only ever missed when the process stalls past it).
      if (i > 0) expect((at.getTime() - due[i - 1]!.getTime()) % 1000).toBe(0)
      if (i > 0) expect(at.getTime()).toBeGreaterThan(due[i - 1]!.getTime())
    }
    const runs = due.length
    await sleep(1100)
    expect(due.length).toBe(runs) // nothing after stop
  })

  it('lists tasks with their next run time while started', async () => {
    const noop = pikkuSessionlessFunc<void, void>(async () => undefined)
    const { scheduler } = schedulerFor([
      { name: 'tick', schedule: EVERY_SECOND, func: noop },
      { name: 'tokyo-midnight', schedule: '0 0 * * *', timezone: 'Asia/Tokyo', func: noop, overlap: true },
    ])
    expect(scheduler.list().map((t) => t.nextRunAt)).toEqual([null, null])

    scheduler.start()
    await until(() => scheduler.list().every((t) => t.nextRunAt !== null))
    const [tick, tokyo] = scheduler.list()
    const now = Date.now()
    expect(tick).toMatchObject({ name: 'tick', schedule: EVERY_SECOND, timezone: 'UTC', overlap: false, running: 0, skippedTicks: 0 })
    expect(tick!.nextRunAt!.getTime()).toBeGreaterThan(now - 1000)
    expect(tick!.nextRunAt!.getTime()).toBeLessThanOrEqual(now + 1000)
    // Midnight in Tokyo (UTC+9, no daylight saving time) is 15:00 UTC, within a day.
    expect(tokyo).toMatchObject({ name: 'tokyo-midnight', timezone: 'Asia/Tokyo', overlap: true })
    expect(tokyo!.nextRunAt!.toISOString()).toMatch(/T15:00:00\.000Z$/)
    expect(tokyo!.nextRunAt!.getTime() - now).toBeLessThanOrEqual(24 * 3600 * 1000)

    await scheduler.stop()
    expect(scheduler.list().map((t) => t.nextRunAt)).toEqual([null, null])
  })

  it('logs a throwing task and runs it again at its next tick', async () => {
    let calls = 0
    const failing = pikkuSessionlessFunc<void, void>(async () => {
      calls++
      throw new Error(`boom ${calls}`)
    })
    const { scheduler, logger } = schedulerFor([{ name: 'flaky', schedule: EVERY_SECOND, func: failing }])
    scheduler.start()
    await until(() => calls >= 2)
    await scheduler.stop()
    expect(logger.errors.length).toBe(calls)
    const [message, error] = logger.errors[0]!
    expect(message).toMatch(/^pikku: scheduled task `flaky` \(due at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z\) failed; it runs again at its next tick$/)
    expect((error as Error).message).toBe('boom 1')
    expect(scheduler.list()[0]).toMatchObject({ running: 0, skippedTicks: 0 })
  })
})

describe('overlap', () => {
  it('never runs a task slower than its period twice at once, and reports the skipped ticks', async () => {
    let running = 0
    let most = 0
    const slow = pikkuSessionlessFunc<void, void>(async () => {
      most = Math.max(most, ++running)
      await sleep(1500)
      running--
    })
    const { scheduler, logger } = schedulerFor([{ name: 'slow', schedule: EVERY_SECOND, func: slow }])
    scheduler.start()
    await until(() => running === 1)
    // A run-now follows the same rule.
    const now = await scheduler.runNow('slow')
    expect(now).toEqual({ status: 'skipped', reason: 'the previous run of `slow` is still going and the task does not allow overlap' })
    await until(() => logger.warnings.some((w) => w.includes('skipped its run due at')))
    await sleep(1200)
    await scheduler.stop()

    expect(most).toBe(1)
    const ticks = logger.warnings.filter((w) => w.includes('skipped its run due at'))
    expect(ticks[0]).toMatch(
      /^pikku: scheduled task `slow` skipped its run due at \S+Z: the previous run is still going \(set `overlap: true` to allow overlapping runs\)$/,
    )
    expect(logger.warnings).toContain('pikku: scheduled task `slow`: runNow skipped: the previous run of `slow` is still going and the task does not allow overlap')
    expect(scheduler.list()[0]!.skippedTicks).toBe(ticks.length)
  })

  it('lets runs overlap with `overlap: true`', async () => {
    let running = 0
    let most = 0
    const slow = pikkuSessionlessFunc<void, void>(async () => {
      most = Math.max(most, ++running)
      await sleep(300)
      running--
    })
    const { scheduler } = schedulerFor([{ name: 'slow', schedule: '0 0 1 1 *', func: slow, overlap: true }])
    const outcomes = await Promise.all([scheduler.runNow('slow'), scheduler.runNow('slow')])
    expect(outcomes.map((o) => o.status)).toEqual(['completed', 'completed'])
    expect(most).toBe(2)
  })
})

describe('stop', () => {
  it('waits for a running task to finish', async () => {
    let state: 'idle' | 'running' | 'done' = 'idle'
    const slow = pikkuSessionlessFunc<void, void>(async () => {
      state = 'running'
      await sleep(700)
      state = 'done'
    })
    const { scheduler } = schedulerFor([{ name: 'slow', schedule: EVERY_SECOND, func: slow }])
    scheduler.start()
    await until(() => state === 'running')
    await scheduler.stop()
    expect(state).toBe('done')
    expect(scheduler.list()[0]).toMatchObject({ running: 0, nextRunAt: null })
  })

  it('waits for a run-now too, and the scheduler starts again after it', async () => {
    let done = false
    const slow = pikkuSessionlessFunc<void, void>(async () => {
      await sleep(300)
      done = true
    })
    const { scheduler } = schedulerFor([{ name: 'slow', schedule: '0 0 1 1 *', func: slow }])
    const run = scheduler.runNow('slow')
    await scheduler.stop()
    expect(done).toBe(true)
    expect((await run).status).toBe('completed')
    scheduler.start()
    expect(() => scheduler.start()).toThrow('PIKKU_ERR_SCHEDULER: the scheduler is already started; call stop() before starting it again')
  })

  it('lets the process exit', async () => {
    const fixture = join(__dirname, 'fixtures/scheduler-exit.mjs')
    const child = spawn(process.execPath, [fixture], { stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), 6000)
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) => child.on('exit', (c, s) => resolve([c, s])))
    clearTimeout(timer)
    // Killed means it hung after stop(); no `ran` means nothing kept it alive while started.
    expect({ code, signal, output: output.trim().split('\n') }).toEqual({ code: 0, signal: null, output: ['ran', 'stopped'] })
  })
})

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
