#!/usr/bin/env node
// Writes a synthetic Pikku project for the code-generator benchmark: N functions (default 500)
// across N/5 files (5 per file: get, list, create, update, delete of one resource), each wired
// to an HTTP route, plus shared models in src/models/. The files use the `pikkuFunc` /
// `pikkuSessionlessFunc` / `wireHTTP` vocabulary, which both our generator and the reference
// inspector (@pikku/inspector 0.12) read, so both read exactly the same files.
//
// What the types exercise: interfaces with `extends` (also of `Partial<…>`), nested objects,
// arrays of objects, string-literal unions, an enum, an `as const` object, a tuple, an index
// signature, optional members, `Date`, `Record<string, V>`, a generic interface with a concrete
// argument, types imported from ../models/*.js (and through the models/index.js re-export),
// `Pick` / `Omit` / `Partial` of the shared models and of each file's own resource,
// intersections, and JSDoc constraints. Every fifth file defines its five functions with Zod
// schemas instead (`input` / `output`: objects, strings with formats and patterns, ints with
// bounds, enums, records, tuples, a discriminated union, `.extend` / `.pick` / `.omit` /
// `.partial` of a schema imported from src/models/zod.ts).
// Every type name is unique across the project (the reference renames duplicates at random).
//
// Usage: node generate-project.mjs [--functions=500] [--out=<dir>]
//        or import { generateProject } from './generate-project.mjs'
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { tmpdir } from 'node:os'
import { fileURLToPath, pathToFileURL } from 'node:url'

import { MODELS } from './project-models.mjs'
import { fileNameFor, kebab, pascal } from './project-resources.mjs'
import { typedResourceFile } from './project-typed-file.mjs'
import { isZodFile, zodResourceFile, zodSchemaFile } from './project-zod-file.mjs'

export { fileNameFor, isZodFile, zodSchemaFile }

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** Resource file `i` (the benchmark's one-file edit passes `revision`). */
export function resourceFile(i, revision = 0) {
  return isZodFile(i) ? zodResourceFile(i) : typedResourceFile(i, revision)
}

/** Writes the project into `dir` (emptied first). Returns { dir, files, functions }. */
export function generateProject({ functions = 500, dir } = {}) {
  if (functions % 5 !== 0 || functions < 5) throw new Error('--functions must be a multiple of 5')
  const fileCount = functions / 5
  dir = resolve(dir ?? join(tmpdir(), 'pikku-codegen-bench', `n${functions}`))
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(join(dir, 'src', 'models'), { recursive: true })
  mkdirSync(join(dir, 'src', 'functions'), { recursive: true })
  mkdirSync(join(dir, 'src', 'schemas'), { recursive: true })
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: `codegen-bench-n${functions}`, private: true, type: 'module' }, null, 2) + '\n',
  )
  writeFileSync(
    join(dir, 'pikku.config.json'),
    JSON.stringify({ srcDirectories: ['src'], outDir: '.pikku' }, null, 2) + '\n',
  )
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify(
      {
        compilerOptions: {
          target: 'ES2022',
          module: 'Node16',
          moduleResolution: 'Node16',
          strict: true,
          skipLibCheck: true,
          noEmit: true,
        },
        include: ['src'],
      },
      null,
      2,
    ) + '\n',
  )
  for (const [name, text] of Object.entries(MODELS)) writeFileSync(join(dir, 'src', 'models', name), text)
  // The Zod files import 'zod': the reference's TypeScript program must resolve it (ours reads
  // the builders without it). The repository's own copy, linked.
  mkdirSync(join(dir, 'node_modules'), { recursive: true })
  symlinkSync(join(repoRoot, 'node_modules', 'zod'), join(dir, 'node_modules', 'zod'), 'dir')
  let zodFiles = 0
  for (let i = 0; i < fileCount; i++) {
    writeFileSync(join(dir, fileNameFor(i)), resourceFile(i))
    if (isZodFile(i)) {
      writeFileSync(join(dir, 'src', 'schemas', `${kebab(pascal(i))}.ts`), zodSchemaFile(i))
      zodFiles++
    }
  }
  return { dir, files: fileCount + zodFiles + Object.keys(MODELS).length, functions }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1]
  const result = generateProject({ functions: Number(arg('functions') ?? 500), dir: arg('out') })
  console.log(`wrote ${result.functions} functions in ${result.files} files to ${result.dir}`)
}
