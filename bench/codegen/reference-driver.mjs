// Drives the reference code generator (@pikku/inspector 0.12.60, from the registry) the way
// its CLI's `pikku all` drives it: a setup pass, a full pass with schema generation, a refresh
// pass and an OpenAPI pass, each handing the previous pass's ts.Program on as `oldProgram`
// (what the CLI's getInspectorState does). The 0.12 CLI itself is not published on the
// registry these machines reach, so this file stands in for it.
//
// Usage: node reference-driver.mjs <projectDir> [--out=<file>] [--quiet] [--keep-cache]
//          [--no-type-hint] [--edit-file=<file> --edit-content=<file>]
//
// --keep-cache keeps the on-disk TS-schema cache the CLI keeps under
// <project>/node_modules/.cache/pikku (a cold run deletes it first).
// --edit-file/--edit-content: after the four passes, overwrite one project file and run the
// four passes again in the same process, with the previous ts.Program as `oldProgram` and the
// inspector's in-memory schema cache: the work a long-running (watch) process would redo.
// Its time is reported as `inProcessRerunMs`.
//
// One deviation from the CLI, needed for the reference to produce a schema for every
// function. As published, the inspector's schema step builds its TypeScript program from one
// virtual file that imports only the types referenced by its *custom* (inline / union) types;
// an exported interface or alias used directly as `pikkuFunc<In, Out>` is recorded in the
// TypesMap with its file but never imported there, so ts-json-schema-generator cannot find it,
// the RootlessError is swallowed, and the run ends with PKU463 ("N function contracts name a
// schema that was never generated"). `schemaConfig.schemasFromTypes` does not help: it adds
// names, not imports. So this driver hands those type names to the schema step through the
// inspector's own mechanism for pulling types into that program, a custom-type entry's
// `references`: every named type the inspector records (TypesMap.addType) is also listed as a
// reference of one custom entry whose text equals its name, so generateCustomTypes() emits the
// import lines and no declaration. That entry's own schema lookup fails quietly (one extra
// lookup per pass); nothing else changes. Pass --no-type-hint to run it unpatched.
import { readdirSync, readFileSync, statSync, writeFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { mkdirSync } from 'node:fs'
import { inspect } from '@pikku/inspector'
// Not in the package's export map, so reached by file URL; it is the same module instance
// the inspector uses.
const { TypesMap } = await import(
  new URL('./node_modules/@pikku/inspector/dist/types-map.js', import.meta.url).href
)

const args = process.argv.slice(2)
const projectDir = resolve(args.find((a) => !a.startsWith('--')) ?? '.')
const outArg = args.find((a) => a.startsWith('--out='))
const quiet = args.includes('--quiet')
// --no-type-hint: run exactly as the CLI would, without naming the function types (shows PKU463).
const typeHint = !args.includes('--no-type-hint')
const keepCache = args.includes('--keep-cache')
const argValue = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3)
const editFile = argValue('edit-file')
const editContent = argValue('edit-content')

const ROOTS = '__pikkuBenchFunctionTypes'
if (typeHint) {
  const addType = TypesMap.prototype.addType
  TypesMap.prototype.addType = function (originalName, path) {
    addType.call(this, originalName, path)
    let roots = this.customTypes.get(ROOTS)
    if (!roots) {
      roots = { type: ROOTS, references: [] }
      this.customTypes.set(ROOTS, roots)
    }
    if (!roots.references.includes(originalName)) roots.references.push(originalName)
  }
}

const diagnostics = []
const logger = {
  info: (m) => !quiet && console.log(m),
  warn: (m) => !quiet && console.warn(m),
  error: (m) => {
    diagnostics.push({ severity: 'error', message: m })
    if (!quiet) console.error(m)
  },
  debug: () => {},
  diagnostic: (d) => {
    diagnostics.push(d)
    if (!quiet) console.error(`[${d.code}] ${d.severity}: ${d.message}`)
  },
  critical: (code, message) => logger.diagnostic({ severity: 'critical', code, message }),
  hasCriticalErrors: () => diagnostics.some((d) => d.severity === 'critical'),
}

function tsFiles(dir) {
  const out = []
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...tsFiles(p))
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p)
  }
  return out.sort()
}

const rootDir = projectDir
const files = tsFiles(join(projectDir, 'src'))
const tsconfig = join(projectDir, 'tsconfig.json')
// The CLI persists generated TS schemas here; a cold run starts without it.
const cacheDir = join(rootDir, 'node_modules', '.cache', 'pikku')
if (!keepCache) rmSync(cacheDir, { recursive: true, force: true })
const openAPI = { additionalInfo: { info: { title: 'bench', version: '1.0.0' } } }

const passes = []
let state

async function pass(label, opts) {
  const t = performance.now()
  state = await inspect(logger, files, {
    rootDir,
    oldProgram: state?.program ?? undefined,
    types: {},
    ...opts,
  })
  passes.push({ pass: label, ms: Math.round(performance.now() - t) })
}

const full = () => ({
  schemaConfig: { tsconfig, cacheDir },
  openAPI,
})

async function all(suffix = '') {
  // 1. setup pass (the CLI's first getInspectorState(false, true)).
  await pass(`setup${suffix}`, { setupOnly: true })
  // 2. full pass with schema generation (the next getInspectorState()).
  await pass(`full + schemas${suffix}`, full())
  // 3. refresh pass (`getInspectorState(true)` before the schemas command).
  await pass(`refresh${suffix}`, full())
  // 4. OpenAPI pass (`getInspectorState(true)` then pikkuOpenAPI).
  await pass(`openapi${suffix}`, full())
}

const t0 = performance.now()
await all()
const totalMs = Math.round(performance.now() - t0)
let inProcessRerunMs
if (editFile && editContent) {
  writeFileSync(editFile, readFileSync(editContent))
  const t1 = performance.now()
  await all(' (after edit)')
  inProcessRerunMs = Math.round(performance.now() - t1)
}

const functions = Object.keys(state.functions.meta).length
const routes = Object.values(state.http.meta).reduce((n, m) => n + Object.keys(m).length, 0)
const schemas = Object.keys(state.schemas ?? {}).filter((k) => k !== ROOTS).length
let missingInputs = 0
for (const meta of Object.values(state.functions.meta)) {
  const input = meta.inputs?.[0]
  if (!input) continue
  let name = input
  try {
    name = state.functions.typesMap.getUniqueName(input)
  } catch {}
  if (!state.schemas?.[name]) missingInputs++
}
const summary = {
  functions,
  routes,
  schemas,
  missingInputSchemas: missingInputs,
  openAPIPaths: state.openAPISpec ? Object.keys(state.openAPISpec.paths ?? {}).length : 0,
  diagnostics: diagnostics.map((d) => `${d.code ?? ''} ${d.severity}: ${String(d.message).slice(0, 300)}`),
  passes,
  totalMs,
  inProcessRerunMs,
}
// What the CLI's schemas and OpenAPI commands would write (the rest of its generated files
// are TypeScript wrappers around this metadata).
const outDir = join(projectDir, '.pikku-reference')
mkdirSync(outDir, { recursive: true })
const { [ROOTS]: _roots, ...schemasOut } = state.schemas ?? {}
writeFileSync(join(outDir, 'schemas.gen.json'), JSON.stringify(schemasOut, null, 2))
writeFileSync(join(outDir, 'openapi.gen.json'), JSON.stringify(state.openAPISpec, null, 2))
if (outArg) {
  writeFileSync(
    outArg.slice(6),
    JSON.stringify({ summary, schemas: state.schemas, openAPI: state.openAPISpec }, null, 1),
  )
}
console.log(JSON.stringify(summary))
