// The benchmark's report: a Markdown table of medians and ranges, the ratios of the reference
// to ours, the time by pass, and the machine and versions measured.
import { readFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'

/** The report's Markdown, from the timed rows of a run. */
export function report({ functions, runs, rows, withReference, withInProcess, hasTaskset, addonNote, refCheck, here }) {
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b)
    const m = s.length >> 1
    return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
  }
  const med = (list, key) => (list.length ? median(list.map((r) => r[key])) : NaN)
  const fmtMs = (ms) => (Number.isNaN(ms) ? 'n/a' : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`)
  const fmtMb = (mb) => (Number.isNaN(mb) ? 'n/a' : `${mb.toFixed(0)} MB`)
  const fmtX = (x) => (Number.isFinite(x) ? `${x >= 10 ? x.toFixed(0) : x.toFixed(1)}×` : 'n/a')
  const range = (list, key, fmt) =>
    list.length ? `${fmt(Math.min(...list.map((r) => r[key])))}–${fmt(Math.max(...list.map((r) => r[key])))}` : ''

  const lines = []
  lines.push(`### Code generation, ${functions} functions in ${functions / 5} files (medians of ${runs} interleaved runs)`)
  lines.push('')
  lines.push('| Case | Wall time (median) | range | Peak RSS (median) | range |')
  lines.push('|---|---:|---:|---:|---:|')
  const row = (label, list) =>
    lines.push(
      `| ${label} | ${fmtMs(med(list, 'ms'))} | ${range(list, 'ms', fmtMs)} | ${fmtMb(med(list, 'mb'))} | ${list.every((r) => Number.isNaN(r.mb)) ? '' : range(list, 'mb', fmtMb)} |`,
    )
  row('ours, cold (`pikku`)', rows.oursCold)
  row('ours, re-run after a one-file change (a new `pikku` process)', rows.oursEdit)
  row('ours, `pikku --watch`: one file saved → new output written', rows.oursWatch)
  if (withReference) {
    row('reference, cold (setup + full with schemas + refresh + OpenAPI passes)', rows.refCold)
    row('reference, re-run after the same one-file change (new process, schema cache on disk kept)', rows.refEdit)
    if (withInProcess) row('reference, same process re-inspection after the change (watch-like; time only)', rows.refInProcess)
  }
  if (withReference) {
    lines.push('')
    lines.push('| Ratio (reference / ours) | Time | Peak RSS |')
    lines.push('|---|---:|---:|')
    lines.push(
      `| cold | ${fmtX(med(rows.refCold, 'ms') / med(rows.oursCold, 'ms'))} | ${fmtX(med(rows.refCold, 'mb') / med(rows.oursCold, 'mb'))} |`,
    )
    lines.push(
      `| one-file change, both re-run in a new process | ${fmtX(med(rows.refEdit, 'ms') / med(rows.oursEdit, 'ms'))} | ${fmtX(med(rows.refEdit, 'mb') / med(rows.oursEdit, 'mb'))} |`,
    )
    if (withInProcess)
      lines.push(
        `| one-file change, reference in-process vs our re-run | ${fmtX(med(rows.refInProcess, 'ms') / med(rows.oursEdit, 'ms'))} | n/a |`,
      )
    const passNames = rows.refPasses[0].map((p) => p.pass)
    const inner = (list) => median(list.map((r) => Number(/in (\d+) ms/.exec(r.stdout)?.[1] ?? NaN)))
    lines.push('')
    lines.push(
      `Ours as reported by the command itself (inside the process, without node start-up): ` +
        `cold ${inner(rows.oursCold)} ms, after the change ${inner(rows.oursEdit)} ms, in watch mode ${inner(rows.oursWatch)} ms.`,
    )
    lines.push('')
    lines.push(
      'Reference cold run by pass (median ms, inside the process): ' +
        passNames.map((n, k) => `${n} ${median(rows.refPasses.map((ps) => ps[k].ms))}`).join(', ') +
        '.',
    )
  }
  lines.push('')
  const cpu = cpus()[0]?.model ?? 'unknown CPU'
  lines.push(
    `Machine: ${cpu}, ${cpus().length} cores (children pinned to ${hasTaskset ? 'CPU 0' : 'all cores'}), ` +
      `${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, Node ${process.version}, ${process.platform}-${process.arch}. ` +
      `Ours: packages/cli/bin/pikku.js with ${addonNote}.`,
  )
  if (withReference) {
    const ref = JSON.parse(readFileSync(join(here, 'node_modules', '@pikku', 'inspector', 'package.json'), 'utf8'))
    const tsv = JSON.parse(readFileSync(join(here, 'node_modules', 'typescript', 'package.json'), 'utf8')).version
    const tjs = JSON.parse(
      readFileSync(join(here, 'node_modules', 'ts-json-schema-generator', 'package.json'), 'utf8'),
    ).version
    lines.push(
      `Reference: @pikku/inspector ${ref.version} (typescript ${tsv}, ts-json-schema-generator ${tjs}) driven by ` +
        `bench/codegen/reference-driver.mjs; output check: ${refCheck.text}.`,
    )
  }
  return lines.join('\n')
}
