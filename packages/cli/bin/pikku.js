#!/usr/bin/env node
// The `pikku` command: writes the metadata file (schemas from your TypeScript types) and the
// typed clients into the output folder of ./pikku.config.json. The work is done by this
// package's native addon (the runtime, @pikku/native, does not carry the generator).
// `pikku --watch` runs again whenever a source file changes. `pikku --help` lists the
// options, the config keys, the files written and the exit codes.
const { existsSync, readFileSync, readdirSync, statSync, watch } = require('node:fs')
const { join } = require('node:path')

const root = process.cwd()

const HELP = `pikku: the @pikku/native code generator (@pikku/native-cli)

Usage: pikku [--watch [--run <command>]]
       pikku init [dir]

Reads the TypeScript files of the project in the current folder, finds the functions
(pikkuFunc, pikkuSessionlessFunc, APIFunction) and their wirings (addRoute, wireHTTP,
addChannel), turns their input and output types into JSON Schemas and writes the files below.
Run it after changing a function's types, or keep \`pikku --watch\` running.

Commands:
  init [dir]      write a small working project into dir (default: the current folder,
                  which must be empty): one function, one route, one test, and npm
                  scripts \`dev\` (watch), \`start\` and \`test\`

Options:
  -w, --watch     run again whenever a .ts/.tsx source file changes
  --run <command> with --watch: start <command> (your server) after the first run and
                  restart it after every later one, e.g. --run "tsx src/server.ts"
  -h, --help      show this help
  -v, --version   print the version of @pikku/native-cli

pikku.config.json (optional, in the current folder; every key has a default):
  "srcDirectories": ["src"]
        folders searched for .ts/.tsx files (below them, node_modules, dist, the output
        folder and dot-folders such as .next are skipped). Without this key: src/, or the
        project root when there is no src/ folder. A listed folder that does not exist is
        an error.
  "outDir": ".pikku"
        the output folder
  "clientFile": "<outDir>/pikku-fetch.gen.ts"
        where the typed fetch client goes, relative to the project
  "openapi": { "outputFile": "openapi.json", "info": { "title": "…", "version": "…", "description": "…" } }
        also write an OpenAPI 3.1 document, into outDir (default: none; description optional)

  Read from a config of the reference Pikku:
  "routeDirectories"                      searched too (merged with srcDirectories)
  "fetchFile", "clientFiles.fetchFile"    = clientFile
  "openAPI": { "outputFile", "additionalInfo": { "info": { "title", "version", "description" } } }
                                          = openapi (outputFile relative to the project)
  "tsconfig"                              the tsconfig whose "paths" resolve imports
                                          (default tsconfig.json)
  "$schema"                               ignored
  Its other keys (websocketFile, globalHTTPPrefix, …) are warnings and are ignored; any
  other key is an error.

Files written (each only when its content changed):
  <outDir>/pikku-meta.gen.json        functions, routes, channels and their schemas, which
                                      createApp loads at start-up
  <outDir>/pikku-functions.gen.ts     links each exported function to its schemas; import
                                      it once where the app is made when you call
                                      functions by object (pikkuExpressRoute, Next.js file
                                      routes, app.call) rather than through addRoute
  <clientFile>                        the typed fetch client
  <outDir>/<openapi.outputFile>       the OpenAPI document, with "openapi" / "openAPI"

Exit codes:
  0  done (warnings, such as "no functions found", are printed to stderr)
  1  errors in the sources or in pikku.config.json; nothing was written
  2  bad command line
`

const OPTIONS = { '--watch': 'watch', '-w': 'watch', '--help': 'help', '-h': 'help', '--version': 'version', '-v': 'version' }

/** Reads the command line; refuses what it does not know (exit 2). */
function parseArgs(args) {
  const flags = new Set()
  const problems = []
  let command
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (Object.hasOwn(OPTIONS, arg)) {
      flags.add(OPTIONS[arg])
      continue
    }
    if (arg === '--run' || arg.startsWith('--run=')) {
      command = arg === '--run' ? args[++i] : arg.slice('--run='.length)
      if (!command) problems.push('pikku: `--run` needs the command to run, e.g. --run "tsx src/server.ts"')
      continue
    }
    let message = `pikku: unknown argument \`${arg}\``
    const suggestion = suggest(arg)
    if (arg === 'all') message += '\n  plain `pikku` generates everything (the reference Pikku\'s `pikku all`); its one command is `pikku init`'
    else if (suggestion) message += `\n  did you mean \`${suggestion}\`?`
    problems.push(message)
  }
  if (command !== undefined && !flags.has('watch')) problems.push('pikku: `--run` goes with `--watch`')
  if (problems.length > 0) {
    console.error(`${problems.join('\n')}\n  run \`pikku --help\` for the usage`)
    process.exit(2)
  }
  return { flags, command }
}

/** The long option `arg` probably meant (`--wach`, `watch`, `-watch` → `--watch`). */
function suggest(arg) {
  const word = arg.replace(/^-+/, '').split('=')[0].toLowerCase()
  let best
  for (const name of ['watch', 'help', 'version', 'run']) {
    const distance = editDistance(word, name)
    if (distance <= Math.max(1, Math.floor(name.length / 3)) && (!best || distance < best.distance)) best = { name, distance }
  }
  return best && `--${best.name}`
}

function editDistance(a, b) {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 0; i < a.length; i++) {
    const next = [i + 1]
    for (let j = 0; j < b.length; j++) next.push(Math.min(row[j] + (a[i] === b[j] ? 0 : 1), row[j + 1] + 1, next[j] + 1))
    row = next
  }
  return row[b.length]
}

let generator

/**
 * Runs the generator; the summary goes to stdout, warnings and errors to stderr. The same
 * generator runs every time, so that a run under --watch redoes only what a change affects.
 */
function run() {
  const { Generator } = require('../index.js')
  generator ??= new Generator(root)
  try {
    const output = generator.run()
    const cut = output.lastIndexOf('\n')
    if (cut >= 0) console.error(output.slice(0, cut).trimEnd() + '\n')
    console.log(output.slice(cut + 1))
    return true
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error))
    return false
  }
}

/** The folders `--watch` watches: those the generator searches (see --help). */
function watchedFolders() {
  let config = {}
  try {
    config = JSON.parse(readFileSync(join(root, 'pikku.config.json'), 'utf8'))
  } catch {}
  const listed = [...(config.srcDirectories ?? []), ...(config.routeDirectories ?? [])]
  if (listed.length > 0) return listed.map((dir) => ({ dir, recursive: true }))
  if (existsSync(join(root, 'src'))) return [{ dir: 'src', recursive: true }]
  // The project root: itself, and its folders but the skipped ones (no watch on node_modules).
  const skipped = new Set(['node_modules', 'dist', String(config.outDir ?? '.pikku').replace(/^\.\/|\/$/g, '')])
  const folders = readdirSync(root).filter((name) => !name.startsWith('.') && !skipped.has(name) && statSync(join(root, name)).isDirectory())
  return [{ dir: '.', recursive: false }, ...folders.map((dir) => ({ dir, recursive: true }))]
}

/**
 * Runs `command` in a shell, and again after each `restart()`; stops it when pikku exits.
 * The command runs in its own process group, so that what the shell started (tsx, then node)
 * stops with it and the port is free before the next start.
 */
function supervise(command) {
  const { spawn } = require('node:child_process')
  const posix = process.platform !== 'win32'
  let child
  let pending = false
  const alive = () => {
    if (!child) return false
    if (!posix) return child.exitCode === null && child.signalCode === null
    try {
      process.kill(-child.pid, 0)
      return true
    } catch {
      return false
    }
  }
  const stop = (signal) => {
    if (!child) return
    try {
      if (posix) process.kill(-child.pid, signal)
      else child.kill(signal)
    } catch {}
  }
  const start = () => {
    child = spawn(command, { shell: true, stdio: 'inherit', detached: posix })
  }
  const restart = () => {
    if (pending) return
    if (!alive()) return start()
    pending = true
    stop('SIGTERM')
    const began = Date.now()
    const wait = setInterval(() => {
      if (alive() && Date.now() - began < 5000) return
      if (alive()) stop('SIGKILL')
      clearInterval(wait)
      pending = false
      start()
    }, 20)
  }
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      stop('SIGTERM')
      process.exit(0)
    })
  }
  return restart
}

const argv = process.argv.slice(2)
if (argv[0] === 'init') process.exit(require('./init.js').init(argv.slice(1)))
const { flags, command } = parseArgs(argv)
if (flags.has('help')) {
  process.stdout.write(HELP)
} else if (flags.has('version')) {
  console.log(require('../package.json').version)
} else if (flags.has('watch')) {
  const restart = command === undefined ? undefined : supervise(command)
  const again = () => {
    // The server restarts after a run that failed too: it then refuses to start, saying why.
    run()
    restart?.()
  }
  again()
  let timer
  const folders = watchedFolders()
  for (const { dir, recursive } of folders) {
    try {
      // Several events arrive for one save: run once they settle.
      watch(join(root, dir), { recursive }, (_event, file) => {
        if (!file || !/\.tsx?$/.test(file) || file.endsWith('.gen.ts')) return
        clearTimeout(timer)
        timer = setTimeout(again, 2)
      })
    } catch (error) {
      console.error(`pikku: cannot watch ${dir}: ${error.message}`)
    }
  }
  console.log(`pikku: watching ${folders.map(({ dir }) => (dir === '.' ? 'the project root' : dir)).join(', ')}`)
} else if (!run()) {
  process.exitCode = 1
}
