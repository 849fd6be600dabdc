// The performance targets the suite is run against, and how one run meets them. A ratio is
// the numerator's median req/s over the denominator's (as in the tables); beside it, the
// ratio of the two runs of each repetition, so that a target met by the medians but missed
// in most repetitions shows as such.

/** `[label, numerator server, denominator server, route, bound, strict]`: ratio ≥ bound (> when strict). */
const THROUGHPUT = [
  ['node:http adapter ≥ 0.85 × the ceiling on the validated POST', 'ours-node', 'raw', 'todo', 0.85, false],
  ['node:http adapter above Fastify on GET /hello', 'ours-node', 'fastify', 'hello', 1, true],
  ['node:http adapter above Fastify on the validated POST', 'ours-node', 'fastify', 'todo', 1, true],
  ['node:http adapter above Fastify on the JWT route', 'ours-node', 'fastify', 'secure', 1, true],
  ['Express adapter ≥ 0.95 × Express + ajv on the validated POST', 'ours-express', 'express', 'todo', 0.95, false],
  ['standalone server ≥ 1.5 × the ceiling on GET /hello', 'ours-standalone', 'raw', 'hello', 1.5, false],
  ['standalone server ≥ 1.5 × the ceiling on the validated POST', 'ours-standalone', 'raw', 'todo', 1.5, false],
  ['JWT route ≥ 3 × the reference, both on node:http', 'ours-node', 'reference', 'secure', 3, false],
]

const meets = (ratio, bound, strict) => (strict ? ratio > bound : ratio >= bound)

/**
 * The targets table (Markdown lines). `runsOf(server, route)` gives that cell's runs in
 * repetition order, `coldOf(server)` the cold-start runs (each with its `rep`); `median` is
 * the report's.
 */
export function targetLines(runsOf, coldOf, median) {
  const lines = ['### Targets', '', '| target | ratio of the medians | each repetition | met in | verdict |', '|---|---:|---|---:|---|']
  for (const [label, top, bottom, route, bound, strict] of THROUGHPUT) {
    const a = runsOf(top, route)
    const b = runsOf(bottom, route)
    if (!a?.length || !b?.length) {
      lines.push(`| ${label} | not measured | | | |`)
      continue
    }
    const ratio = median(a.map((r) => r.rps)) / median(b.map((r) => r.rps))
    const pairs = a.slice(0, b.length).map((r, i) => r.rps / b[i].rps)
    const met = pairs.filter((x) => meets(x, bound, strict)).length
    lines.push(`| ${label} | ${ratio.toFixed(2)}× | ${pairs.map((x) => x.toFixed(2)).join(', ')} | ${met} of ${pairs.length} | ${meets(ratio, bound, strict) ? 'met' : '**not met**'} |`)
  }
  const ours = coldOf('ours-node')
  const express = coldOf('express')
  if (ours?.length && express?.length) {
    const [a, b] = [median(ours.map((r) => r.ms)), median(express.map((r) => r.ms))]
    // Paired by repetition: a cold start that failed leaves its repetition out.
    const expressIn = new Map(express.map((r) => [r.rep, r.ms]))
    const pairs = ours.filter((r) => expressIn.has(r.rep)).map((r) => r.ms / expressIn.get(r.rep))
    const met = pairs.filter((x) => x < 1).length
    lines.push(`| cold start of 100 routes below Express's (ours ÷ Express, ms) | ${(a / b).toFixed(2)}× | ${pairs.map((x) => x.toFixed(2)).join(', ')} | ${met} of ${pairs.length} | ${a < b ? 'met' : '**not met**'} |`)
  }
  lines.push('')
  return lines
}
