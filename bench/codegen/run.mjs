#!/usr/bin/env node
// Code-generator benchmark: our `pikku` command (Rust, oxc) against the reference Pikku
// inspector (@pikku/inspector 0.12.60, TypeScript compiler + ts-json-schema-generator) on the
// same synthetic project, in one run, interleaved, medians of several runs.
//
//   node bench/codegen/run.mjs [--functions=500] [--small] [--runs=5] [--no-pin]
//                              [--no-reference] [--no-in-process] [--dir=<project dir>]
//
// --small is --functions=50. Every child is pinned to CPU 0 with `taskset -c 0` when taskset
// exists (--no-pin to let it use every core). Wall time is measured around the child process
// (node start-up included, for both); peak RSS is the child's maximum resident set size
// (GNU time's %M, or getrusage() from inside the child when /usr/bin/time is missing).
import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generateProject, resourceFile, fileNameFor } from './generate-project.mjs'
import { releaseAddon } from './run-addon.mjs'
import { report } from './run-report.mjs'

const here = dirname(fileURLToPath(import.meta.url))
const repo = join(here, '..', '..')
const argv = process.argv.slice(2)
const opt = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
const flag = (name) => argv.includes(`--${name}`)

const functions = Number(opt('functions') ?? (flag('small') ? 50 : 500))
const runs = Math.max(3, Number(opt('runs') ?? 5))
const withReference = !flag('no-reference')
const withInProcess = withReference && !flag('no-in-process')

// --- prerequisites ------------------------------------------------------------------------
// Which addon: see run-addon.mjs. It is copied once and loaded through
// NAPI_RS_NATIVE_LIBRARY_PATH, so a rebuild during the run cannot swap binaries between
// measurements.
const cli = join(repo, 'packages', 'cli')
const { addon, addonStat } = releaseAddon(repo, opt('addon'))
const scratch = mkdtempSync(join(tmpdir(), 'pikku-codegen-bench-'))
const addonCopy = join(scratch, 'pikku-codegen.node')
copyFileSync(addon, addonCopy)
const addonNote = `${relative(repo, addon)} (${(addonStat.size / 2 ** 20).toFixed(1)} MB, built ${addonStat.mtime.toISOString().slice(0, 16).replace('T', ' ')} UTC)`
if (withReference && !existsSync(join(here, 'node_modules', '@pikku', 'inspector'))) {
  console.error('Installing the reference (npm ci --prefix bench/codegen)...')
  const r = spawnSync('npm', ['ci', '--prefix', here, '--no-audit', '--no-fund'], { stdio: 'inherit' })
  if (r.status !== 0) process.exit(r.status ?? 1)
}
const hasTaskset = !flag('no-pin') && spawnSync('sh', ['-c', 'command -v taskset'], { encoding: 'utf8' }).status === 0
const hasGnuTime = existsSync('/usr/bin/time')

// --- the project --------------------------------------------------------------------------
const { dir } = generateProject({ functions, dir: opt('dir') })
const editIndex = Math.floor(functions / 5 / 2) // a file in the middle of the project
const editPath = join(dir, fileNameFor(editIndex))
let revision = 0

// --- measuring one child process ------------------------------------------------------------
const rssProbe = join(here, 'rss-probe.mjs')
function measure(args, cwd, extraEnv = {}) {
  const rssFile = join(scratch, 'rss')
  rmSync(rssFile, { force: true })
  let cmd = [process.execPath, ...args]
  let env = { ...process.env, ...extraEnv }
  if (hasGnuTime) cmd = ['/usr/bin/time', '-f', '%M', '-o', rssFile, ...cmd]
  else {
    cmd = [process.execPath, '--import', rssProbe, ...args]
    env.PIKKU_BENCH_RSS_FILE = rssFile
  }
  if (hasTaskset) cmd = ['taskset', '-c', '0', ...cmd]
  const t0 = process.hrtime.bigint()
  const r = spawnSync(cmd[0], cmd.slice(1), { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 })
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  if (r.status !== 0) {
    throw new Error(`${args.join(' ')} exited with ${r.status}\n${r.stdout}\n${r.stderr}`)
  }
  const kb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop())
  return { ms, mb: kb / 1024, stdout: r.stdout, stderr: r.stderr }
}

const ours = () =>
  measure([join(cli, 'bin', 'pikku.js')], dir, { NAPI_RS_NATIVE_LIBRARY_PATH: addonCopy })
const reference = (...extra) =>
  measure([join(here, 'reference-driver.mjs'), dir, '--quiet', ...extra], here)

function edit() {
  revision++
  writeFileSync(editPath, resourceFile(editIndex, revision))
}
function restore() {
  writeFileSync(editPath, resourceFile(editIndex, 0))
}

// --- checks before timing ---------------------------------------------------------------------
function checkOurs(result) {
  const meta = JSON.parse(readFileSync(join(dir, '.pikku', 'pikku-meta.gen.json'), 'utf8'))
  const fns = Object.entries(meta.functions)
  const missing = fns.filter(([, f]) => !f.inputSchema || !meta.schemas[f.inputSchema]).map(([n]) => n)
  if (fns.length !== functions || meta.http.length !== functions || missing.length || result.stderr.trim()) {
    throw new Error(
      `our generator: ${fns.length} functions, ${meta.http.length} routes, inputs without a schema: ` +
        `${missing.join(', ') || 'none'}\n${result.stderr}`,
    )
  }
  return `${fns.length} functions, ${meta.http.length} routes, ${Object.keys(meta.schemas).length} schemas, every input has one`
}
function checkReference(result) {
  const s = JSON.parse(result.stdout.trim().split('\n').pop())
  const problems = []
  if (s.functions !== functions) problems.push(`${s.functions} functions`)
  if (s.routes !== functions) problems.push(`${s.routes} routes`)
  if (s.missingInputSchemas) problems.push(`${s.missingInputSchemas} inputs without a schema`)
  if (s.diagnostics.length) problems.push(...s.diagnostics)
  if (problems.length) throw new Error(`reference: ${problems.join('; ')}`)
  return { text: `${s.functions} functions, ${s.routes} routes, ${s.schemas} schemas, ${s.openAPIPaths} OpenAPI paths, every input has one, no diagnostics`, summary: s }
}

console.error(
  `project: ${functions} functions in ${functions / 5} files + models, ${dir}\n` +
    `addon: ${addonNote}\n` +
    `runs: ${runs} (interleaved), pinned to CPU 0: ${hasTaskset ? 'yes' : 'no'}, peak RSS from ${hasGnuTime ? 'GNU time' : 'getrusage in the child'}`,
)

// --- warm-up: one run of each (fills the OS file cache), with output checks ---------------------
restore()
rmSync(join(dir, '.pikku'), { recursive: true, force: true })
console.error(`ours: ${checkOurs(ours())}`)
let refCheck
if (withReference) {
  refCheck = checkReference(reference())
  console.error(`reference: ${refCheck.text}`)
}

// --- timed runs ---------------------------------------------------------------------------------
const rows = {
  oursCold: [],
  oursEdit: [],
  refCold: [],
  refEdit: [],
  refInProcess: [],
  refPasses: [],
}
for (let i = 0; i < runs; i++) {
  restore()
  // Alternate who goes first, so neither always runs on a warmer machine.
  const order = i % 2 === 0 ? ['ours', 'ref'] : ['ref', 'ours']
  for (const who of order) {
    if (who === 'ours') {
      rmSync(join(dir, '.pikku'), { recursive: true, force: true })
      const r = ours()
      checkOurs(r)
      rows.oursCold.push(r)
    } else if (withReference) {
      const r = reference() // deletes its schema cache first: a cold run
      rows.refCold.push(r)
      rows.refPasses.push(JSON.parse(r.stdout.trim().split('\n').pop()).passes)
    }
  }
  // The same one-file change for both: one input type of one resource file gains a field.
  edit()
  for (const who of order) {
    if (who === 'ours') {
      const r = ours()
      checkOurs(r)
      rows.oursEdit.push(r)
    } else if (withReference) {
      // A fresh `all` after the edit, keeping the on-disk schema cache of the previous run
      // (the CLI keeps it under node_modules/.cache/pikku).
      rows.refEdit.push(reference('--keep-cache'))
    }
  }
  if (withInProcess) {
    // Same process: the four passes, the edit, the four passes again (time of the second round).
    restore()
    const content = join(scratch, 'edited.ts')
    revision++
    writeFileSync(content, resourceFile(editIndex, revision))
    const r = reference(`--edit-file=${editPath}`, `--edit-content=${content}`)
    rows.refInProcess.push({ ms: JSON.parse(r.stdout.trim().split('\n').pop()).inProcessRerunMs, mb: NaN })
  }
  console.error(`run ${i + 1}/${runs} done`)
}
restore()

// --- ours in watch mode: the time from saving one file to the new output written ---------------
// (`pikku --watch` keeps running, so this is what an editor save costs; it includes the watch
// debounce.)
rows.oursWatch = []
{
  const cmd = [...(hasTaskset ? ['taskset', '-c', '0'] : []), process.execPath, join(cli, 'bin', 'pikku.js'), '--watch']
  const child = spawn(cmd[0], cmd.slice(1), {
    cwd: dir,
    env: { ...process.env, NAPI_RS_NATIVE_LIBRARY_PATH: addonCopy },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  let waiter
  child.stdout.on('data', (chunk) => {
    out += chunk
    waiter?.()
  })
  const until = (test) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`pikku --watch said: ${out}`)), 20_000)
      waiter = () => {
        if (test()) {
          clearTimeout(timer)
          waiter = undefined
          resolve()
        }
      }
      waiter()
    })
  await until(() => out.includes('watching'))
  for (let i = 0; i < runs; i++) {
    const before = out.length
    const t0 = process.hrtime.bigint()
    edit()
    await until(() => /wrote .*\n/.test(out.slice(before)))
    rows.oursWatch.push({ ms: Number(process.hrtime.bigint() - t0) / 1e6, mb: NaN, stdout: out.slice(before) })
    await new Promise((r) => setTimeout(r, 200))
  }
  child.kill()
  restore()
}

// --- report -------------------------------------------------------------------------------------
console.log(report({ functions, runs, rows, withReference, withInProcess, hasTaskset, addonNote, refCheck, here }))
rmSync(scratch, { recursive: true, force: true })
