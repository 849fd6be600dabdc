// Scheduled tasks: timed by the engine on tokio, run through the app: the timer, overlapping
// runs, and stop. Seconds-level schedules keep every test within a few seconds. runNow, the
// context a task sees, start-up errors and wiring: scheduler-tasks.test.ts.
import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

import { pikkuSessionlessFunc, type InvocationContext } from '@pikku/native'

import { EVERY_SECOND, schedulerFor, sleep, stopSchedulersAfterEach, until } from './helpers/schedulers.js'

stopSchedulersAfterEach()

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
