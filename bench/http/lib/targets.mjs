// The performance targets the suite is run against, and how one run meets them. Each
// throughput target is read two ways: the ratio of the two servers' medians in the tables
// (with the ratio within each repetition beside it), and the median ratio of the paired runs
// (lib/paired.mjs), which compare runs a second apart, with a 90% interval over their rounds.
// The verdict follows the paired runs when there are any: met when the whole interval meets
// the bound, not met when none of it does, and not shown when the interval spans the bound —
// the run cannot tell those servers apart that finely (the control rows, the ceiling against
// itself, show how wide the method's intervals are around 1.00).

import { median, roundsInterval } from './stats.mjs'

/** `[label, numerator server, denominator server, route, bound, strict]`: ratio ≥ bound (> when strict). */
export const THROUGHPUT = [
  ['node:http adapter ≥ 0.85 × the ceiling on the validated POST', 'ours-node', 'raw', 'todo', 0.85, false],
  ['node:http adapter above Fastify on GET /hello', 'ours-node', 'fastify', 'hello', 1, true],
  ['node:http adapter above Fastify on the validated POST', 'ours-node', 'fastify', 'todo', 1, true],
  ['node:http adapter above Fastify on the JWT route', 'ours-node', 'fastify', 'secure', 1, true],
  ['Express adapter ≥ 0.95 × Express + ajv on the validated POST', 'ours-express', 'express', 'todo', 0.95, false],
  ['Fastify plugin ≥ 1.0 × Fastify with its own validation on the validated POST', 'ours-fastify', 'fastify', 'todo', 1, false],
  ['standalone server ≥ 1.5 × the ceiling on GET /hello', 'ours-standalone', 'raw', 'hello', 1.5, false],
  ['standalone server ≥ 1.5 × the ceiling on the validated POST', 'ours-standalone', 'raw', 'todo', 1.5, false],
  ['JWT route ≥ 3 × the reference, both on node:http', 'ours-node', 'reference', 'secure', 3, false],
]

/** The control of the paired method: the ceiling against a second process of itself. */
export const CONTROL = [
  ['control: the ceiling against itself on GET /hello (the method alone; 1.00 ideally)', 'raw', 'raw', 'hello'],
  ['control: the ceiling against itself on the validated POST', 'raw', 'raw', 'todo'],
]

const meets = (ratio, bound, strict) => (strict ? ratio > bound : ratio >= bound)

/**
 * What paired rounds (lists of pair ratios, one list per pair of processes) show of a bound:
 * `met` when their whole interval (90% unless `level` says otherwise) meets it, `not met` when
 * none of it does, `not shown` when the interval spans it — or when there is one round only:
 * its interval has no width, as it cannot see how one pair of processes differs from the next.
 */
export function pairedVerdict(rounds, bound, strict, level = 0.9) {
  if (rounds.length < 2) return 'not shown'
  const [lo, hi] = roundsInterval(rounds, { level })
  if (meets(lo, bound, strict)) return 'met'
  if (!meets(hi, bound, strict)) return 'not met'
  return 'not shown'
}

/**
 * The level of the interval that ends a target's rounds before the last: the interval is
 * looked at after every round, and each look is a chance to stop on noise (fifteen looks at
 * 90% would decide a target that sits on its bound about one time in four). The verdict
 * itself is read at 90% once the rounds end.
 */
export const STOP_LEVEL = 0.99

/**
 * Whether the paired runs of `top` ÷ `bottom` on `route`, with `rounds` so far, may stop
 * adding rounds: once the target they serve is met or not met at `STOP_LEVEL`. A control (no
 * bound) is never settled: it runs every round, so that its interval shows the method's width
 * at the full count.
 */
export function settled(top, bottom, route, rounds) {
  const target = THROUGHPUT.find(([, t, b, r]) => t === top && b === bottom && r === route)
  if (!target) return false
  const [, , , , bound, strict] = target
  return pairedVerdict(rounds, bound, strict, STOP_LEVEL) !== 'not shown'
}

/** The verdict of paired `rounds` on a bound, as the tables write it. */
export function verdictText(rounds, bound, strict) {
  const notShown = rounds.length < 2 ? '**not shown**: one round has no interval' : '**not shown**: the interval spans the bound'
  return { met: 'met', 'not met': '**not met**', 'not shown': notShown }[pairedVerdict(rounds, bound, strict)]
}

/** `0.97× (90%: 0.93–1.01; 6 rounds, 18 pairs)`: the median pair ratio and its interval over rounds. */
export function pairedSummary(rounds) {
  const ratios = rounds.flat()
  const [lo, hi] = roundsInterval(rounds)
  return `${median(ratios).toFixed(2)}× (90%: ${lo.toFixed(2)}–${hi.toFixed(2)}; ${rounds.length} round${rounds.length === 1 ? '' : 's'}, ${ratios.length} pairs)`
}

/** Text made safe for one Markdown table cell. */
const cell = (text) => text.trim().replace(/\s*\n\s*/g, '; ').replaceAll('|', '\\|')

/**
 * The targets table (Markdown lines). `runsOf(server, route)` gives that cell's runs in
 * repetition order, `pairedOf(top, bottom, route)` the paired runs' result (lib/paired.mjs,
 * or undefined), `coldOf(server)` the cold-start runs (each with its `rep`).
 */
export function targetLines(runsOf, pairedOf, coldOf) {
  const lines = [
    '### Targets',
    '',
    '| target | paired runs: median ratio (90% interval; rounds, pairs) | pairs meeting it | ratio of the medians | each repetition | repetitions meeting it | verdict |',
    '|---|---:|---:|---:|---|---:|---|',
  ]
  const notes = []
  for (const [label, top, bottom, route, bound, strict] of [...THROUGHPUT, ...CONTROL]) {
    const control = bound === undefined
    const paired = pairedOf(top, bottom, route)
    const rounds = paired?.rounds ?? []
    const ratios = rounds.flat()
    const warnings = [
      paired?.bad ? `⚠ ${paired.bad} non-2xx or socket errors` : '',
      paired?.error && ratios.length ? `⚠ stopped early (${paired.error})` : '',
    ].filter(Boolean)
    const pairedCells = ratios.length
      ? [[pairedSummary(rounds), ...warnings].join(' '), control ? '' : `${ratios.filter((x) => meets(x, bound, strict)).length} of ${ratios.length}`]
      : [paired?.error ? `not measured: ${paired.error}` : 'not measured', '']
    let tableCells = control ? ['', '', ''] : ['not measured', '', '']
    let ratio
    const a = runsOf(top, route)
    const b = runsOf(bottom, route)
    if (!control && a?.length && b?.length) {
      ratio = median(a.map((r) => r.rps)) / median(b.map((r) => r.rps))
      const each = a.slice(0, b.length).map((r, i) => r.rps / b[i].rps)
      tableCells = [`${ratio.toFixed(2)}×`, each.map((x) => x.toFixed(2)).join(', '), `${each.filter((x) => meets(x, bound, strict)).length} of ${each.length}`]
    }
    // The paired ratio decides when it was measured; the medians of the tables otherwise.
    let verdict = ''
    if (!control && ratios.length) verdict = verdictText(rounds, bound, strict)
    else if (!control && ratio !== undefined) verdict = `${meets(ratio, bound, strict) ? 'met' : '**not met**'} (by the medians: no paired runs)`
    if (control && ratios.length) {
      const [lo, hi] = roundsInterval(rounds)
      if (lo > 1 || hi < 1) {
        notes.push(`⚠ The ${route === 'hello' ? 'GET' : 'POST'} control's interval, ${lo.toFixed(2)}–${hi.toFixed(2)}, leaves out 1.00: in this run the method put a difference between two identical servers, so verdicts within ${(Math.max(Math.abs(lo - 1), Math.abs(hi - 1)) * 100).toFixed(0)}% of their bounds are doubtful.`)
      }
    }
    lines.push(`| ${cell(label)} | ${pairedCells.map(cell).join(' | ')} | ${tableCells.join(' | ')} | ${verdict} |`)
  }
  const ours = coldOf('ours-node')
  const express = coldOf('express')
  if (ours?.length && express?.length) {
    const [a, b] = [median(ours.map((r) => r.ms)), median(express.map((r) => r.ms))]
    // Paired by repetition: a cold start that failed leaves its repetition out.
    const expressIn = new Map(express.map((r) => [r.rep, r.ms]))
    const pairs = ours.filter((r) => expressIn.has(r.rep)).map((r) => r.ms / expressIn.get(r.rep))
    const met = pairs.filter((x) => x < 1).length
    lines.push(`| cold start of 100 routes below Express's (ours ÷ Express, ms) | | | ${(a / b).toFixed(2)}× | ${pairs.map((x) => x.toFixed(2)).join(', ')} | ${met} of ${pairs.length} | ${a < b ? 'met' : '**not met**'} |`)
  }
  lines.push('', ...notes.flatMap((note) => [note, '']))
  return lines
}
