// The README's first steps, followed literally by a newcomer with the packed packages: the
// commands of its `sh` blocks run as written in empty folders (only `@pikku/native` and
// `@pikku/native-cli` are tarballs instead of the registry's, packed as a release publishes them
// with this platform's addon package beside each, and the port is a free one), and every answer
// the README promises is checked.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = join(__dirname, '..')
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const started: ChildProcess[] = []
/** The packages as a release publishes them (scripts/pack-release.mjs). */
let tarballs: { native: string; nativePlatform: string; cli: string; cliPlatform: string }
let platform: string

/** The fenced block of `lang` that follows `heading` in the README. */
function blockAfter(heading: string, lang: string): string {
  const at = readme.indexOf(heading)
  expect(at, `README has "${heading}"`).toBeGreaterThanOrEqual(0)
  const match = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(readme.slice(at))
  return match![1]!
}

/** The commands of a `sh` block, without their comments. */
function commands(block: string): string[] {
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter(Boolean)
}

// `npm_config_yes` answers npx's "Ok to proceed?" as a newcomer at a terminal does.
const env = { ...process.env, npm_config_yes: 'true', npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' }

/** Runs a README command in `cwd` (with the tarballs for `@pikku/native` and its CLI). */
function sh(command: string, cwd: string): string {
  const line = command
    .replaceAll(/-p @pikku\/native-cli(?=\s|$)/g, `-p ${tarballs.cli} -p ${tarballs.cliPlatform}`)
    .replaceAll(/@pikku\/native-cli(?=\s|$)/g, `${tarballs.cli} ${tarballs.cliPlatform}`)
    .replaceAll(/@pikku\/native(?=\s|$)/g, `${tarballs.native} ${tarballs.nativePlatform}`)
  const result = spawnSync('sh', ['-c', line], { cwd, env, encoding: 'utf8', timeout: 240_000 })
  expect(result.status, `\`${line}\` failed:\n${result.stdout}\n${result.stderr}`).toBe(0)
  return result.stdout + result.stderr
}

/** Starts a long-running README command in its own process group (stopped after the tests). */
function background(command: string, cwd: string, port: number): { child: ChildProcess; output: () => string } {
  const child = spawn('sh', ['-c', command], { cwd, env: { ...env, PORT: String(port) }, detached: true })
  started.push(child)
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk))
  return { child, output: () => output }
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

/** Waits until `url` answers, or the process ends (its output is then the failure). */
async function answering(url: string, run: { child: ChildProcess; output: () => string }): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (run.child.exitCode !== null) throw new Error(`exited with ${run.child.exitCode}:\n${run.output()}`)
    try {
      await fetch(url)
      return
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  throw new Error(`${url} never answered:\n${run.output()}`)
}

beforeAll(async () => {
  const { packRelease, hostPlatform } = await import('../scripts/pack-release.mjs')
  platform = hostPlatform()
  tarballs = packRelease(mkdtempSync(join(tmpdir(), 'pikku-pack-')))
}, 120_000)

afterAll(() => {
  for (const child of started) {
    try {
      process.kill(-child.pid!, 'SIGTERM')
    } catch {}
  }
})

describe('the README, followed literally', () => {
  it('adds Pikku to a project: server.ts answers 200, 404 and 422 as promised', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pikku-readme-'))
    for (const command of commands(blockAfter('To add Pikku to a project of your own', 'sh'))) sh(command, dir)
    writeFileSync(join(dir, 'server.ts'), blockAfter('Then write `server.ts`', 'ts'))
    const [generate, serve, ...curls] = commands(blockAfter('and run it:', 'sh'))
    expect(generate).toBe('npx pikku')
    expect(serve).toBe('npx tsx server.ts')

    // Before the first `npx pikku`, the server refuses to start and says what to run.
    const early = spawnSync('sh', ['-c', serve!], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 })
    expect(early.status).not.toBe(0)
    expect(early.stderr).toContain('PIKKU_ERR_METADATA')
    expect(early.stderr).toContain('run `npx pikku`')

    expect(sh(generate!, dir)).toMatch(/1 function, 1 route/)
    const port = await freePort()
    const run = background(serve!, dir, port)
    await answering(`http://127.0.0.1:${port}/`, run)

    const promised = blockAfter('and run it:', 'sh')
      .split('\n')
      .filter((line) => line.startsWith('curl '))
    expect(promised).toHaveLength(3)
    expect(curls).toHaveLength(3)
    for (const line of promised) {
      const [, path, status, body] = /^curl localhost:3000(\S+)\s+#\s+(\d{3})\s+(.*)$/.exec(line)!
      const res = await fetch(`http://127.0.0.1:${port}${path}`)
      const text = await res.text()
      expect(res.status, `${path}: ${text}`).toBe(Number(status))
      if (status === '200') expect(JSON.parse(text)).toEqual(JSON.parse(body!))
      if (status === '404') expect(JSON.parse(text)).toMatchObject({ name: 'NotFoundError', message: 'No todo with id 2' })
      if (status === '422') expect(text).toContain('/id: \\"one\\" is not of type \\"number\\"')
    }
  })

  it('starts a project with `pikku init`: tests pass, `npm run dev` serves and restarts on a change', async () => {
    const parent = mkdtempSync(join(tmpdir(), 'pikku-init-'))
    const [init, cd, install, dev] = commands(blockAfter('A new project, with one function', 'sh'))
    expect(init).toBe('npx -p @pikku/native-cli pikku init my-app')
    expect(cd).toBe('cd my-app')
    sh(init!, parent)
    const dir = join(parent, 'my-app')
    // The one departure: the project depends on the tarballs rather than the registry's versions.
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
    expect(manifest.dependencies['@pikku/native']).toMatch(/^\^\d+\.\d+\.\d+/)
    expect(manifest.devDependencies['@pikku/native-cli']).toBe(manifest.dependencies['@pikku/native'])
    manifest.dependencies['@pikku/native'] = `file:${tarballs.native}`
    manifest.dependencies[`@pikku/native-${platform}`] = `file:${tarballs.nativePlatform}`
    manifest.devDependencies['@pikku/native-cli'] = `file:${tarballs.cli}`
    manifest.devDependencies[`@pikku/native-cli-${platform}`] = `file:${tarballs.cliPlatform}`
    writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2))
    sh(install!, dir)
    expect(sh('npm test', dir)).toMatch(/# pass 2\n# fail 0/)
    expect(sh('npm run typecheck', dir)).not.toMatch(/error TS/)

    const port = await freePort()
    const run = background(dev!, dir, port)
    const base = `http://127.0.0.1:${port}`
    await answering(`${base}/`, run)
    expect(await (await fetch(`${base}/greet/World`)).json()).toEqual({ message: 'Hello, World!' })
    expect((await fetch(`${base}/greet/nobody`)).status).toBe(404)
    expect((await fetch(`${base}/greet/${'x'.repeat(41)}`)).status).toBe(422)

    // A saved change is served without a manual restart.
    const source = join(dir, 'src/functions.ts')
    writeFileSync(source, readFileSync(source, 'utf8').replace('Hello, ', 'Hi, '))
    let message = ''
    for (let i = 0; i < 100 && message !== 'Hi, World!'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100))
      message = await fetch(`${base}/greet/World`)
        .then((res) => res.json() as Promise<{ message: string }>)
        .then((body) => body.message)
        .catch(() => '')
    }
    expect(message, run.output()).toBe('Hi, World!')
  })
})
