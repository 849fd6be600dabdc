#!/usr/bin/env node
// The `pikku` command: writes the metadata file (schemas from your TypeScript types) and the
// typed clients into the output folder of ./pikku.config.json. The work is done by the
// native addon. `pikku --watch` runs again whenever a source file changes.
const { watch } = require('node:fs')
const { join } = require('node:path')

const { generate } = require('../index.js')

const root = process.cwd()
const args = process.argv.slice(2)

/** Runs the generator once; reports what it wrote or every error. */
function run() {
  try {
    console.log(generate(root))
    return true
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    return false
  }
}

if (args.includes('--help') || args.includes('-h')) {
  console.log('usage: pikku [--watch]\n\nReads pikku.config.json ({ "srcDirectories": ["src"], "outDir": ".pikku" }) in the current folder.')
} else if (args.includes('--watch')) {
  run()
  const config = readConfig()
  let timer
  for (const dir of config.srcDirectories) {
    // Several events arrive for one save: run once they settle.
    watch(join(root, dir), { recursive: true }, (_event, file) => {
      if (!file || !/\.tsx?$/.test(file) || file.endsWith('.gen.ts')) return
      clearTimeout(timer)
      timer = setTimeout(run, 10)
    })
  }
  console.log(`pikku: watching ${config.srcDirectories.join(', ')}`)
} else if (!run()) {
  process.exitCode = 1
}

function readConfig() {
  try {
    const config = JSON.parse(require('node:fs').readFileSync(join(root, 'pikku.config.json'), 'utf8'))
    return { srcDirectories: config.srcDirectories ?? ['src'] }
  } catch {
    return { srcDirectories: ['src'] }
  }
}
