// Scheduled tasks on BullMQ job schedulers, against a Redis and a PostgreSQL server of the
// test's own: three real processes share one schedule and its every-second task runs once per
// tick across them; a task that does not allow overlap skips ticks while a run goes on in any
// of them; start-up makes the server's schedules those of the tasks in code (added, changed,
// removed).
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

import { createPostgresBackend, Queue } from 'bullmq'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createApp, PikkuStartupError, pikkuSessionlessFunc } from '@pikku/native'
import { BullMQScheduler } from '@pikku/native/bullmq'

import { startPostgres } from './helpers/postgres.js'
import { startRedis } from './helpers/redis.js'

const children: ChildProcess[] = []
afterAll(() => {
  for (const child of children) child.kill('SIGKILL')
})

const task = pikkuSessionlessFunc<Record<string, never>, void>({ name: 'schedTask', input: { type: 'object' }, func: async () => {} })

describe.each(['Redis', 'PostgreSQL'] as const)('scheduled tasks on BullMQ (%s)', (kind) => {
  let server: { url: string; stop(): Promise<void> }
  beforeAll(async () => {
    server = kind === 'Redis' ? await startRedis() : await startPostgres()
  }, 60_000)
  afterAll(() => server?.stop())
  const connection = () => (kind === 'Redis' ? server.url : { postgres: server.url })

  /** The schedules the server holds under `prefix`: id → pattern. */
  async function held(prefix: string): Promise<Record<string, string | undefined>> {
    const reader =
      kind === 'Redis'
        ? new Queue('pikku-scheduled-tasks', { connection: { host: '127.0.0.1', port: Number(new URL(server.url).port) }, prefix })
        : new Queue('pikku-scheduled-tasks', { connection: { connectionString: server.url, schema: prefix } }, createPostgresBackend)
    const schedulers = await reader.getJobSchedulers(0, -1)
    await reader.close()
    return Object.fromEntries(schedulers.map((s) => [s.id ?? s.key, s.pattern]))
  }

  /**
   * Three processes of scheduler-process.mjs on `prefix`, each run lasting `args[0]` ms; the
   * lines they printed over `ms` after all three were ready, split into words. They are stopped
   * after.
   */
  async function threeProcesses(prefix: string, ms: number, args: string[] = []): Promise<string[][]> {
    const lines: string[][] = []
    const script = join(__dirname, 'fixtures', 'scheduler-process.mjs')
    const started = [0, 1, 2].map(() => spawn(process.execPath, [script, server.url, prefix, ...args], { stdio: ['ignore', 'pipe', 'inherit'] }))
    children.push(...started)
    await Promise.all(
      started.map(
        (child) =>
          new Promise<void>((resolve, reject) => {
            child.once('exit', (code) => reject(new Error(`a scheduler process exited with ${code} before it was ready`)))
            createInterface({ input: child.stdout! }).on('line', (line) => (line === 'ready' ? resolve() : lines.push(line.split(' '))))
          }),
      ),
    )
    await new Promise((resolve) => setTimeout(resolve, ms))
    const seen = lines.slice()
    await Promise.all(started.map((child) => new Promise((resolve) => child.once('exit', resolve).kill('SIGTERM'))))
    return seen
  }

    it('fire once per tick across three processes, over more than ten ticks', async () => {
      const lines = await threeProcesses(`sched1_${process.pid}`, 12_500)
      const at = lines.filter(([word]) => word === 'tick').map(([, scheduledAt]) => Number(scheduledAt))
      expect(at.length).toBeGreaterThanOrEqual(10)
      expect(new Set(at).size).toBe(at.length) // no tick ran twice
      const sorted = [...at].sort((a, b) => a - b)
      expect((sorted.at(-1)! - sorted[0]!) / 1000 + 1).toBe(at.length) // and none was missed
    }, 60_000)

    it('skip a tick while the previous run goes on in any process, unless overlap is allowed', async () => {
      // Runs last 2.5 s on a per-second schedule: one set of processes keeps to the rule, the
      // other (overlap: true) runs every tick.
      const [kept, overlapping] = await Promise.all([
        threeProcesses(`sched3_${process.pid}`, 8_000, ['2500']),
        threeProcesses(`sched4_${process.pid}`, 8_000, ['2500', 'overlap']),
      ])
      const runsOf = (lines: string[][]) => {
        const starts = new Map(lines.filter(([word]) => word === 'tick').map(([, at, , time]) => [at, Number(time)]))
        const runs = lines.filter(([word]) => word === 'done').map(([, at, , time]) => ({ start: starts.get(at)!, end: Number(time) }))
        return runs.sort((a, b) => a.start - b.start)
      }
      const overlaps = (runs: { start: number; end: number }[]) => runs.filter((run, i) => i > 0 && run.start < runs[i - 1]!.end).length
      const skips = (lines: string[][]) => lines.filter(([word]) => word === 'skip').length
      expect(runsOf(kept).length).toBeGreaterThanOrEqual(2)
      expect(overlaps(runsOf(kept))).toBe(0)
      expect(skips(kept)).toBeGreaterThanOrEqual(2)
      expect(overlaps(runsOf(overlapping))).toBeGreaterThanOrEqual(2)
      expect(skips(overlapping)).toBe(0)
    }, 60_000)

    it('makes the server hold the schedules of the tasks in code at start-up', async () => {
      const prefix = `sched2_${process.pid}`
      const app = createApp({ routes: [] })
      const logger = { error: () => {} }
      const first = new BullMQScheduler(app, {
        connection: connection(),
        prefix,
        logger,
        tasks: [
          { name: 'kept', schedule: '0 3 * * *', func: task },
          { name: 'removed', schedule: '0 4 * * *', func: task },
        ],
      })
      await first.start()
      await first.stop()
      expect(await held(prefix)).toEqual({ kept: '0 3 * * *', removed: '0 4 * * *' })
      const second = new BullMQScheduler(app, {
        connection: connection(),
        prefix,
        logger,
        tasks: [
          { name: 'kept', schedule: '30 3 * * *', func: task, timezone: 'Europe/Helsinki' },
          { name: 'added', schedule: '@hourly', func: task },
        ],
      })
      await second.start()
      expect(await held(prefix)).toEqual({ kept: '30 3 * * *', added: '@hourly' })
      const listed = await second.list()
      expect(listed.map((t) => [t.name, t.timezone])).toEqual([['kept', 'Europe/Helsinki'], ['added', 'UTC']])
      // The engine's next run (03:30 Helsinki time) is the one the server holds.
      expect(listed[0]!.nextRunAt!.toLocaleTimeString('en-GB', { timeZone: 'Europe/Helsinki' })).toBe('03:30:00')
      await second.stop()
    })

    it('refuses a task the engine cannot read when it is made, before any server is asked', () => {
      const app = createApp({ routes: [] })
      expect(() => new BullMQScheduler(app, { connection: connection(), tasks: [{ name: 'bad', schedule: '0 25 * * *', func: task }] })).toThrow(PikkuStartupError)
    })
})
