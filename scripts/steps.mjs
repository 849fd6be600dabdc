// Build steps shared by `npm start` and `npm test`. Only Node built-ins: these run before
// `npm ci` on a fresh clone.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = join(dirname(fileURLToPath(import.meta.url)), '..')

/** Runs a command in the repo (or `cwd`), streaming its output; exits the process on failure. */
export function run(command, args, options = {}) {
  const shown = [command, ...args].join(' ')
  console.log(`\n› ${shown}`)
  const started = Date.now()
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', ...options })
  if (result.status !== 0) {
    console.error(`\n✗ \`${shown}\` failed (exit ${result.status ?? result.signal}).`)
    process.exit(result.status || 1)
  }
  console.log(`  (${((Date.now() - started) / 1000).toFixed(1)} s)`)
}

/** Installs npm dependencies when they are missing. */
export function ensureDependencies() {
  if (!existsSync(join(root, 'node_modules', '.package-lock.json'))) run('npm', ['ci', '--no-audit', '--no-fund'])
}

/**
 * Installs what the tests need from Debian's packages when it is missing (CI starts from a
 * clean machine), through `sudo` unless this runs as root: Chromium for the browser tests of
 * the Next.js example, Redis and PostgreSQL for the queue backends (each test starts its own
 * server in a temporary folder; no system service is used).
 */
export function ensureTestPackages() {
  const wanted = [
    ['chromium', '/usr/bin/chromium'],
    ['redis-server', '/usr/bin/redis-server'],
    ['postgresql', '/usr/lib/postgresql'],
  ].filter(([, path]) => !existsSync(path))
  if (wanted.length === 0) return
  const apt = (...args) => {
    const command = ['env', 'DEBIAN_FRONTEND=noninteractive', 'apt-get', ...args]
    if (process.getuid?.() === 0) run(command[0], command.slice(1))
    else run('sudo', command)
  }
  apt('update')
  apt('install', '-y', '--no-install-recommends', ...wanted.map(([name]) => name))
}

/** The `pikku` command, from its own package (the generator is not part of the runtime). */
export const pikkuBin = join(root, 'packages/cli/bin/pikku.js')

/**
 * Builds the two native addons — the runtime's (`@pikku/native`) and the code generator's
 * (`@pikku/native-cli`, in packages/cli) — and the TypeScript layer. `PIKKU_PROFILE=dev-fast`
 * skips LTO for a quicker edit loop; the default is the release build that ships.
 */
export function buildPackage() {
  const profile = process.env.PIKKU_PROFILE
  const profileArgs = profile ? ['--profile', profile] : ['--release']
  run('npx', ['napi', 'build', '--platform', ...profileArgs, '--', '--locked'])
  run('npx', ['napi', 'build', '--platform', '--cwd', 'packages/cli', ...profileArgs, '--', '--locked'])
  run('npx', ['tsc', '-p', 'tsconfig.build.json'])
  run('node', [join(root, 'scripts/esm-entries.mjs')])
}

/** Generates the example app's (and the linking fixture's) metadata, compiles the app, and type-checks the README's quick start. */
export function buildExample() {
  run('node', [pikkuBin], { cwd: join(root, 'examples/todo-app') })
  // The linking fixture's generated links are imported (and type-checked) by the tests.
  run('node', [pikkuBin], { cwd: join(root, '__test__/fixtures/linking') })
  run('npx', ['tsc', '-p', 'examples/todo-app/tsconfig.json'])
  run('npx', ['tsc', '-p', 'examples/quick-start/tsconfig.json'])
}
