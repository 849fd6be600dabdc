#!/usr/bin/env node
// The `pikku` command: generates the metadata file (schemas from your TypeScript types) into
// the output folder of ./pikku.config.json. The work is done by the native addon.
const { generate } = require('../index.js')

try {
  console.log(generate(process.cwd()))
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error))
  process.exitCode = 1
}
