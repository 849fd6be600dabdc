// The benchmark's verdicts (bench/http/lib/targets.mjs): the paired runs decide a target by
// their interval over rounds (met, not met, or not shown when it spans the bound), the
// tables' medians only when there are none; rounds are added while a target is not shown; a
// control whose interval leaves out 1.00 is called out; a comparison that stopped says why in
// one table cell; a run that lost too much CPU to the hypervisor is done again. The benchmark
// itself is too long for the test suite; its arithmetic is not.
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { beforeAll, describe, expect, it } from 'vitest'

interface Run {
  rps: number
}
interface Paired {
  rounds: number[][]
  bad: number
  error?: string
}
type TargetLines = (
  runsOf: (server: string, route: string) => Run[] | undefined,
  pairedOf: (top: string, bottom: string, route: string) => Paired | undefined,
  coldOf: (server: string) => { ms: number; rep: number }[] | undefined,
) => string[]

type Quartiles = (xs: number[]) => { q1: number; median: number; q3: number }
type RoundsInterval = (rounds: number[][]) => [number, number]
type Settled = (top: string, bottom: string, route: string, rounds: number[][]) => boolean
type WithLittleSteal = <T>(
  measure: () => Promise<T>,
  options: { maxSteal: number; tries: number; prepare?: () => unknown; onStolen: (steal: number, last: boolean) => void },
) => Promise<{ value: T; steal: number | null; attempts: number; stolen: boolean }>

const lib = join(__dirname, '..', 'bench', 'http', 'lib')
let targetLines: TargetLines
let quartiles: Quartiles
let roundsInterval: RoundsInterval
let settled: Settled
let withLittleSteal: WithLittleSteal
beforeAll(async () => {
  ;({ targetLines, settled } = (await import(join(lib, 'targets.mjs'))) as { targetLines: TargetLines; settled: Settled })
  ;({ quartiles, roundsInterval } = (await import(join(lib, 'stats.mjs'))) as { quartiles: Quartiles; roundsInterval: RoundsInterval })
  ;({ withLittleSteal } = (await import(join(lib, 'steal.mjs'))) as { withLittleSteal: WithLittleSteal })
})

const GET_ABOVE_FASTIFY = 'node:http adapter above Fastify on GET /hello'
const rowOf = (lines: string[], label: string) => {
  const row = lines.find((line) => line.startsWith(`| ${label} |`))
  if (!row) throw new Error(`no row for ${label} in:\n${lines.join('\n')}`)
  return row.split(' | ').map((cell) => cell.replace(/^\| | \|$/g, ''))
}
const runs = (...rps: number[]) => rps.map((x) => ({ rps: x }))

describe('the benchmark’s targets table', () => {
  it('takes its verdict from the paired runs’ interval, even when the medians say otherwise', () => {
    const pairedAt = (rounds: number[][]) =>
      rowOf(
        targetLines(
          (server, route) => (route !== 'hello' ? undefined : server === 'ours-node' ? runs(110, 108, 112) : server === 'fastify' ? runs(100, 100, 100) : undefined),
          (top, bottom, route) => (top === 'ours-node' && bottom === 'fastify' && route === 'hello' ? { rounds, bad: 0 } : undefined),
          () => undefined,
        ),
        GET_ABOVE_FASTIFY,
      )
    const below = pairedAt([[0.9, 0.92], [0.94, 0.96], [0.91, 0.93]])
    expect(below[1]).toMatch(/^0\.93× \(90%: 0\.9\d–0\.9\d; 3 rounds, 6 pairs\)$/)
    expect(below[2]).toBe('0 of 6')
    expect(below[3]).toBe('1.10×') // the medians would have met it
    expect(below[4]).toBe('1.10, 1.08, 1.12')
    expect(below[6]).toBe('**not met**')
    // Rounds on both sides of the bound: the run cannot tell, whatever the median.
    const spanning = pairedAt([[0.9, 0.92], [1.1, 1.12], [1.04, 1.06], [0.95, 0.97]])
    expect(spanning[6]).toBe('**not shown**: the interval spans the bound')
    expect(pairedAt([[1.1, 1.2], [1.05, 1.15], [1.2, 1.3]])[6]).toBe('met')
    // One round, however clear, decides nothing: its interval has no width.
    expect(pairedAt([[1.3, 1.31, 1.32]])[6]).toBe('**not shown**: one round has no interval')
    expect(pairedAt([[0.5, 0.51]])[6]).toBe('**not shown**: one round has no interval')
  })

  it('adds rounds while a target’s interval spans its bound, and runs the controls to the end', () => {
    const getAboveFastify = (rounds: number[][]) => settled('ours-node', 'fastify', 'hello', rounds)
    expect(getAboveFastify([[0.9], [1.1], [1.0]])).toBe(false)
    expect(getAboveFastify([[1.2], [1.3], [1.25]])).toBe(true)
    expect(getAboveFastify([[0.8], [0.85], [0.9]])).toBe(true) // settled the other way
    // Above the bound at 90% but not at the stricter level that may end the rounds early.
    const likely = [[1.05, 1.04], [1.1, 1.08], [1.02, 1.03], [1.08, 1.07], [0.97, 0.98], [1.06, 1.05]]
    expect(roundsInterval(likely)[0]).toBeGreaterThan(1)
    expect(getAboveFastify(likely)).toBe(false)
    expect(settled('raw', 'raw', 'hello', [[1], [1], [1]])).toBe(false)
  })

  it('draws whole rounds in the bootstrap, seeded', () => {
    // Two rounds: both drawn from the first, both from the second, or one of each.
    expect(roundsInterval([[1, 1, 1], [2, 2, 2]])).toEqual([1, 2])
    expect(roundsInterval([[1.05, 1.05], [1.05]])).toEqual([1.05, 1.05])
    const rounds = [[0.9, 1.1], [1.2, 0.95], [1.0, 1.02], [0.97, 0.99]]
    expect(roundsInterval(rounds)).toEqual(roundsInterval(rounds))
  })

  it('falls back on the medians, and says so, when a target has no paired runs', () => {
    const lines = targetLines(
      (server, route) => (route === 'hello' && server === 'ours-node' ? runs(105) : route === 'hello' && server === 'fastify' ? runs(100) : undefined),
      () => undefined,
      () => undefined,
    )
    expect(rowOf(lines, GET_ABOVE_FASTIFY)[6]).toBe('met (by the medians: no paired runs)')
  })

  it('calls out a control whose interval leaves out 1.00, and not one that holds it', () => {
    const controlAt = (rounds: number[][]) =>
      targetLines(
        () => undefined,
        (top, bottom, route) => (top === 'raw' && bottom === 'raw' && route === 'todo' ? { rounds, bad: 0 } : undefined),
        () => undefined,
      ).join('\n')
    expect(controlAt([[0.88, 0.9], [0.92, 0.9], [0.89, 0.91]])).toMatch(/⚠ The POST control's interval, 0\.\d\d–0\.9\d, leaves out 1\.00/)
    expect(controlAt([[0.97, 0.99], [1.03, 1.01], [0.98, 1.02]])).not.toContain('⚠')
  })

  it('keeps a stopped comparison’s error, and its bad answers, inside one cell', () => {
    const lines = targetLines(
      () => undefined,
      (top, bottom, route) => {
        if (top !== 'ours-node' || bottom !== 'fastify') return undefined
        if (route === 'hello') return { rounds: [], bad: 0, error: 'round 2 of 6: fastify answers wrongly:\n  GET /hello | 500\n' }
        return route === 'todo' ? { rounds: [[1.1, 1.2, 1.3]], bad: 4, error: 'round 2 of 6: wrk exited 1' } : undefined
      },
      () => undefined,
    )
    expect(rowOf(lines, GET_ABOVE_FASTIFY)[1]).toBe('not measured: round 2 of 6: fastify answers wrongly:; GET /hello \\| 500')
    const post = rowOf(lines, 'node:http adapter above Fastify on the validated POST')
    expect(post[1]).toBe('1.20× (90%: 1.20–1.20; 1 round, 3 pairs) ⚠ 4 non-2xx or socket errors ⚠ stopped early (round 2 of 6: wrk exited 1)')
    expect(post[6]).toBe('**not shown**: one round has no interval')
    for (const line of lines.filter((l) => l.startsWith('|'))) expect(line.split(/(?<!\\)\|/).length).toBe(9) // 7 cells
  })

  it('runs a measurement again while steal is over the limit, the warm-up each time, and keeps the last try', async () => {
    let tries = 0
    let warmUps = 0
    const heard: boolean[] = []
    // 100 ms: long enough for /proc/stat's ticks to move. No steal can be below -1%.
    const measure = async () => {
      await new Promise((resolve) => setTimeout(resolve, 100))
      return ++tries
    }
    const options = { maxSteal: -0.01, tries: 3, prepare: () => warmUps++, onStolen: (_steal: number, last: boolean) => heard.push(last) }
    const kept = await withLittleSteal(measure, options)
    expect(kept).toMatchObject({ value: 3, attempts: 3, stolen: true })
    expect(warmUps).toBe(3)
    expect(heard).toEqual([false, false, true])
    expect(await withLittleSteal(measure, { ...options, maxSteal: 1 })).toMatchObject({ value: 4, attempts: 1, stolen: false })
  })

  it('reads quartiles between ranks', () => {
    expect(quartiles([4, 1, 3, 2])).toEqual({ q1: 1.75, median: 2.5, q3: 3.25 })
    expect(quartiles([7])).toEqual({ q1: 7, median: 7, q3: 7 })
  })
})

describe('the A/B of two builds (bench/http/ab.mjs)', () => {
  const ab = join(__dirname, '..', 'bench', 'http', 'ab.mjs')
  // A timeout: were a check to let a bad run through, it would start servers and load them.
  const run = (...args: string[]) => spawnSync(process.execPath, [ab, ...args], { encoding: 'utf8', timeout: 15_000 })
  const refused = (message: string) => ({ status: 1, signal: null, stderr: expect.stringContaining(message) })

  it('refuses what it cannot compare before it starts anything, saying what to give it', () => {
    expect(run()).toMatchObject(refused('--base=<a built checkout>'))
    expect(run('--base=/nonexistent-build')).toMatchObject(refused('/nonexistent-build is not built'))
    expect(run('--base=.', '--server=fastify')).toMatchObject(refused('--server takes one of ours: ours-node, ours-express'))
    expect(run('--base=.', '--routes=hello,nowhere')).toMatchObject(refused('unknown route nowhere'))
    expect(run('--base=.', '--rounds=0')).toMatchObject(refused('--rounds takes a whole number of at least 1'))
    expect(run('--base=.', '--max-steal=-1')).toMatchObject(refused('--max-steal takes a number from 0 to 100, not "-1"'))
    expect(run('--base=.', '--max-steal=500')).toMatchObject(refused('--max-steal takes a number from 0 to 100'))
    expect(run('--base=.', '--warmup=')).toMatchObject(refused('--warmup takes a whole number of at least 0, not ""'))
    expect(run('--base=.', '--warmup=Infinity')).toMatchObject(refused('--warmup takes a whole number'))
    // wrk takes whole seconds: a fraction would pass here and stop wrk in the middle of the run.
    expect(run('--base=.', '--warmup=2.5')).toMatchObject(refused('--warmup takes a whole number of at least 0, not "2.5"'))
  })

  it('checks its options by the same rules as the suite (bench/http/run.mjs)', () => {
    const suite = (...args: string[]) => spawnSync(process.execPath, [join(__dirname, '..', 'bench', 'http', 'run.mjs'), ...args], { encoding: 'utf8', timeout: 15_000 })
    expect(suite('--max-steal=500')).toMatchObject(refused('--max-steal takes a number from 0 to 100, not "500"'))
    expect(suite('--warmup=2.5')).toMatchObject(refused('--warmup takes a whole number of at least 0, not "2.5"'))
    expect(suite('--pairs=-1')).toMatchObject(refused('--pairs takes a whole number of at least 0 (0: no paired runs)'))
  })
})

describe('the chart of the targets (bench/http/lib/chart.mjs)', () => {
  type Row = { label: string; bound: number; median: number; low: number; high: number; verdict: string }
  let chart: { targetsFromResults: (markdown: string) => Row[]; targetsChart: (rows: Row[], title: string) => string }
  beforeAll(async () => {
    chart = await import(join(lib, 'chart.mjs'))
  })

  it('reads each target with paired runs from a results file, bounds included, controls left out', () => {
    const markdown = [
      '| target | paired | a | b | c | d | verdict |',
      '| node:http adapter ≥ 0.85 × the ceiling on the validated POST | 0.87× (90%: 0.86–0.90; 13 rounds, 65 pairs) | 48 of 65 | 0.85× | 0.95 | 3 of 3 | met |',
      '| node:http adapter above Fastify on GET /hello | 0.99× (90%: 0.97–1.01; 20 rounds, 100 pairs) | 1 | 1 | 1 | 1 | not shown |',
      '| control: the ceiling against itself on GET /hello | 1.00× (90%: 0.99–1.01; 20 rounds, 100 pairs) |  |  |  |  |  |',
      '| cold start of 100 routes below Express\'s (ours ÷ Express, ms) | | | 0.27× | 0.35 | 5 of 5 | met |',
    ].join('\n')
    expect(chart.targetsFromResults(markdown)).toEqual([
      { label: 'node:http adapter ≥ 0.85 × the ceiling on the validated POST', bound: 0.85, median: 0.87, low: 0.86, high: 0.9, verdict: 'met' },
      { label: 'node:http adapter above Fastify on GET /hello', bound: 1, median: 0.99, low: 0.97, high: 1.01, verdict: 'not shown' },
    ])
  })

  it('matches the committed bench/RESULTS.svg, drawn from bench/RESULTS.md', () => {
    const results = join(__dirname, '..', 'bench', 'RESULTS.md')
    const markdown = readFileSync(results, 'utf8')
    const date = /- Date: (.*)/.exec(markdown)![1]!
    const drawn = chart.targetsChart(chart.targetsFromResults(markdown), `@pikku/native HTTP targets, run of ${date}`)
    expect(drawn, 'stale: run `node bench/http/lib/chart.mjs bench/RESULTS.md bench/RESULTS.svg`').toBe(readFileSync(results.replace(/\.md$/, '.svg'), 'utf8'))
  })

  it('draws one row per target, coloured by its verdict, with the bound as a line', () => {
    const svg = chart.targetsChart(
      [
        { label: 'a & b', bound: 1, median: 1.5, low: 1.4, high: 1.6, verdict: 'met' },
        { label: 'c', bound: 2, median: 1.8, low: 1.7, high: 1.9, verdict: 'not met' },
      ],
      'title <x>',
    )
    expect(svg.startsWith('<svg')).toBe(true)
    expect(svg).toContain('title &lt;x&gt;')
    expect(svg).toContain('a &amp; b')
    expect(svg.match(/<circle /g)).toHaveLength(2)
    expect(svg).toContain('fill="#2a7"')
    expect(svg).toContain('fill="#c33"')
    expect(svg).toContain('stroke="#c00"') // the bound
  })
})
