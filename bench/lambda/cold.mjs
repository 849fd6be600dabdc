// Cold starts of the Lambda handler: `invoke.mjs` run as fresh processes, ours and the plain
// handler alternating, and the medians of the time from process start to the first answer.
//
//   node bench/lambda/cold.mjs [--runs=15]
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const runs = Number(process.argv.find((arg) => arg.startsWith('--runs='))?.slice(7) ?? 15)
const script = fileURLToPath(new URL('./invoke.mjs', import.meta.url))
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

const times = { ours: [], plain: [] }
for (let run = 0; run < runs; run++) {
  for (const side of run % 2 ? ['plain', 'ours'] : ['ours', 'plain']) {
    times[side].push(JSON.parse(execFileSync(process.execPath, [script, side], { encoding: 'utf8' })))
  }
}
const row = (side) => {
  const load = median(times[side].map((t) => t.loadMs))
  const first = median(times[side].map((t) => t.firstAnswerMs))
  return `| ${side === 'ours' ? 'ours: `createHttpHandler` (engine built at load)' : 'plain handler + ajv'} | ${load.toFixed(1)} | ${(first - load).toFixed(2)} | ${first.toFixed(1)} |`
}
console.log(`Lambda cold start, ${runs} runs each, Node ${process.version}, ${new Date().toISOString()}; medians in ms from process start\n`)
console.log('| handler | ready (module loaded) | first answer after ready | first answer |')
console.log('|---|---:|---:|---:|')
console.log(row('ours'))
console.log(row('plain'))
const ratio = median(times.ours.map((t) => t.firstAnswerMs)) / median(times.plain.map((t) => t.firstAnswerMs))
console.log(`\nours ÷ plain, first answer: ${ratio.toFixed(2)}×`)
