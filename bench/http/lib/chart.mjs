// The targets of a run as an SVG chart: each target's paired ratio as a share of its bound
// (1.0 = the bound; right of it is met), with its 90% interval as a whisker. run.mjs draws it
// beside RESULTS.md; `node bench/http/lib/chart.mjs bench/RESULTS.md bench/RESULTS.svg`
// draws it again from a results file.
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * The targets of a results file: `{ label, bound, above, median, low, high, verdict }` for
 * each target with paired runs (its row in the `### Targets` table).
 */
export function targetsFromResults(markdown) {
  const rows = []
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').map((c) => c.trim())
    const match = /^([\d.]+)× \(90%: ([\d.]+)–([\d.]+);/.exec(cells[2] ?? '')
    if (!match || cells[1].startsWith('control')) continue
    const label = cells[1]
    // `≥ 0.85 × the ceiling`; `above Fastify` is a bound of 1.
    const bound = Number(/≥ ([\d.]+) ×/.exec(label)?.[1] ?? 1)
    rows.push({ label, bound, median: Number(match[1]), low: Number(match[2]), high: Number(match[3]), verdict: cells.at(-2) ?? '' })
  }
  return rows
}

const escape = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** The chart: one row per target, the x axis in multiples of its bound, on a log scale. */
export function targetsChart(rows, title) {
  const width = 900
  const rowHeight = 28
  const left = 430
  const right = width - 40
  const top = 54
  const height = top + rows.length * rowHeight + 40
  const ratios = rows.flatMap((r) => [r.low / r.bound, r.high / r.bound])
  const min = Math.min(0.8, ...ratios)
  const max = Math.max(1.25, ...ratios) * 1.05
  const x = (v) => left + ((Math.log(v) - Math.log(min)) / (Math.log(max) - Math.log(min))) * (right - left)
  const ticks = [0.8, 1, 1.25, 1.5, 2, 3, 4, 6, 8].filter((t) => t >= min && t <= max)
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="13">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="12" y="24" font-size="15" font-weight="bold">${escape(title)}</text>`,
    `<text x="12" y="42" fill="#555">each target's paired ratio (dot, and its 90% interval) placed as a multiple of its bound (the red line; log scale)</text>`,
  ]
  for (const t of ticks) {
    parts.push(`<line x1="${x(t).toFixed(1)}" y1="${top}" x2="${x(t).toFixed(1)}" y2="${height - 30}" stroke="${t === 1 ? '#c00' : '#ddd'}" stroke-width="${t === 1 ? 2 : 1}"/>`)
    parts.push(`<text x="${x(t).toFixed(1)}" y="${height - 14}" text-anchor="middle" fill="#555">${t}×</text>`)
  }
  rows.forEach((row, i) => {
    const y = top + i * rowHeight + rowHeight / 2
    const [lo, mid, hi] = [row.low, row.median, row.high].map((v) => x(v / row.bound))
    const colour = row.verdict === 'met' ? '#2a7' : row.verdict === 'not met' ? '#c33' : '#999'
    parts.push(`<text x="12" y="${y + 4}">${escape(row.label.length > 62 ? `${row.label.slice(0, 61)}…` : row.label)}</text>`)
    parts.push(`<line x1="${lo.toFixed(1)}" y1="${y}" x2="${hi.toFixed(1)}" y2="${y}" stroke="${colour}" stroke-width="3"/>`)
    parts.push(`<circle cx="${mid.toFixed(1)}" cy="${y}" r="5" fill="${colour}"/>`)
    parts.push(`<text x="${(hi + 8).toFixed(1)}" y="${y + 4}" fill="#333">${row.median.toFixed(2)}×</text>`)
  })
  parts.push('</svg>')
  return `${parts.join('\n')}\n`
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [from, to] = process.argv.slice(2)
  if (!from || !to) {
    console.error('usage: node bench/http/lib/chart.mjs <RESULTS.md> <chart.svg>')
    process.exit(2)
  }
  const markdown = readFileSync(from, 'utf8')
  const date = /- Date: (.*)/.exec(markdown)?.[1] ?? ''
  writeFileSync(to, targetsChart(targetsFromResults(markdown), `@pikku/native HTTP targets, run of ${date}`))
}
