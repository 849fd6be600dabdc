// The performance targets the suite is run against, and how one run meets them. Each
// throughput target is read two ways: the ratio of the two servers' medians in the tables
// (with the ratio within each repetition beside it), and the median ratio of the paired runs
// (lib/paired.mjs), which compare runs a second apart. The verdict follows the paired ratio
// when there is one: on these VMs it is the one that holds from one run of the suite to the
// next (the control row, the ceiling against itself, shows how close to 1.00 it stays).

import { median, summarize } from './stats.mjs'

/** `[label, numerator server, denominator server, route, bound, strict]`: ratio ≥ bound (> when strict). */
export const THROUGHPUT = [
  ['node:http adapter ≥ 0.85 × the ceiling on the validated POST', 'ours-node', 'raw', 'todo', 0.85, false],
  ['node:http adapter above Fastify on GET /hello', 'ours-node', 'fastify', 'hello', 1, true],
  ['node:http adapter above Fastify on the validated POST', 'ours-node', 'fastify', 'todo', 1, true],
  ['node:http adapter above Fastify on the JWT route', 'ours-node', 'fastify', 'secure', 1, true],
  ['Express adapter ≥ 0.95 × Express + ajv on the validated POST', 'ours-express', 'express', 'todo', 0.95, false],
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

/** A control's median outside these bounds is called out under the table. */
const CONTROL_BOUNDS = [0.95, 1.05]

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
    '| target | paired runs: median ratio (quartiles, pairs) | pairs meeting it | ratio of the medians | each repetition | repetitions meeting it | verdict |',
    '|---|---:|---:|---:|---|---:|---|',
  ]
  const notes = []
  for (const [label, top, bottom, route, bound, strict] of [...THROUGHPUT, ...CONTROL]) {
    const control = bound === undefined
    const paired = pairedOf(top, bottom, route)
    const ratios = paired?.ratios ?? []
    const warnings = [
      paired?.bad ? `⚠ ${paired.bad} non-2xx or socket errors` : '',
      paired?.error && ratios.length ? `⚠ stopped early (${paired.error})` : '',
    ].filter(Boolean)
    const pairedCells = ratios.length
      ? [[summarize(ratios), ...warnings].join(' '), control ? '' : `${ratios.filter((x) => meets(x, bound, strict)).length} of ${ratios.length}`]
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
    if (!control && ratios.length) verdict = meets(median(ratios), bound, strict) ? 'met' : '**not met**'
    else if (!control && ratio !== undefined) verdict = `${meets(ratio, bound, strict) ? 'met' : '**not met**'} (by the medians: no paired runs)`
    if (control && ratios.length) {
      const mid = median(ratios)
      if (mid < CONTROL_BOUNDS[0] || mid > CONTROL_BOUNDS[1]) {
        notes.push(`⚠ The ${route === 'hello' ? 'GET' : 'POST'} control came out at ${mid.toFixed(2)}: in this run the method put ${(Math.abs(mid - 1) * 100).toFixed(0)}% between two identical servers, so a verdict closer than that to its bound is not decided.`)
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
