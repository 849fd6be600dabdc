// The Next.js example app (next-example/), built with `next build` and served by `next start`,
// tested through real HTTP on 127.0.0.1: the catch-all route handler, a file route, a server
// component that calls a function in-process, and a server action posted by its form; then
// driven in Chromium, with and without JavaScript, on the same server (one `next build`).
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import path from 'node:path'

import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { launchChromium } from './helpers/browser'

const exampleDir = path.resolve(__dirname, '..', 'next-example')
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }
const json = { 'content-type': 'application/json' }

/** Processes started here that may still run (each leads its own process group). */
const started = new Set<ChildProcess>()

/** Runs a command to completion in next-example/, failing with its output. */
function run(command: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: exampleDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    started.add(child)
    let output = ''
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk))
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk))
    const timer = setTimeout(() => {
      killGroup(child, 'SIGKILL')
      reject(new Error(`\`${command} ${args.join(' ')}\` timed out after ${timeoutMs} ms\n${output}`))
    }, timeoutMs)
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      started.delete(child)
      if (code === 0) resolve()
      else reject(new Error(`\`${command} ${args.join(' ')}\` failed (${signal ?? code})\n${output}`))
    })
  })
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // the group is gone already
  }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  killGroup(child, 'SIGTERM')
  const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5_000)
  await exited
  clearTimeout(timer)
  started.delete(child)
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/** Starts `next start` in its own process group and waits until it answers. */
async function startNext(port: number): Promise<{ child: ChildProcess; logs: () => string }> {
  const nextBin = path.join(exampleDir, 'node_modules', 'next', 'dist', 'bin', 'next')
  const child = spawn(process.execPath, [nextBin, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: exampleDir,
    env,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  started.add(child)
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk))
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk))
  const deadline = Date.now() + 60_000
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`next start exited early\n${output}`)
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/todos`)
      await res.arrayBuffer()
      if (res.status === 200) return { child, logs: () => output }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`next start did not answer within 60 s\n${output}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/** The hidden fields React renders into the new-todo form, bound to a server action (progressive enhancement). */
function actionFields(html: string): [string, string][] {
  const form = [...html.matchAll(/<form[^>]*>([\s\S]*?)<\/form>/g)].map((m) => m[1]!).find((f) => f.includes('name="title"'))
  if (!form) throw new Error('the page has no new-todo form')
  const unescape = (value: string) =>
    value.replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
  return [...form.matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?\/?>/g)].map((m) => [
    unescape(m[1]!),
    unescape(m[2] ?? ''),
  ])
}

interface Todo {
  id: number
  title: string
  completed: boolean
}

describe('Next.js example (next build + next start)', () => {
  let base = ''
  let server: ChildProcess | undefined
  let logs = () => ''

  beforeAll(async () => {
    if (!existsSync(path.join(exampleDir, 'node_modules'))) {
      const lock = existsSync(path.join(exampleDir, 'package-lock.json'))
      await run('npm', [lock ? 'ci' : 'install', '--no-audit', '--no-fund'], 240_000)
    } else {
      // `@pikku/native` and `@pikku/native-cli` are installed as copies of the repository's
      // packages (install-links), so they are refreshed here to test the current builds.
      for (const name of ['@pikku/native', '@pikku/native-cli', '.bin/pikku']) rmSync(path.join(exampleDir, 'node_modules', name), { recursive: true, force: true })
      await run('npm', ['install', '--no-save', '--no-audit', '--no-fund'], 120_000)
    }
    const t0 = Date.now()
    await run('npm', ['run', 'build'], 300_000) // `pikku` (schemas from the types), then `next build`
    console.log(`next build took ${((Date.now() - t0) / 1000).toFixed(1)} s`)
    const port = await freePort()
    const running = await startNext(port)
    server = running.child
    logs = running.logs
    base = `http://127.0.0.1:${port}`
  }, 400_000)

  afterAll(async () => {
    for (const child of [...started]) await stop(child)
    if (server) await stop(server)
  }, 30_000)

  const get = (p: string) => fetch(base + p)
  const post = (p: string, body: string) => fetch(base + p, { method: 'POST', headers: json, body })

  describe('catch-all app/api/[...route] (addRoute wirings)', () => {
    it('GET /api/todos lists the todos', async () => {
      const res = await get('/api/todos')
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
      const todos = (await res.json()) as Todo[]
      expect(todos.length).toBeGreaterThanOrEqual(3)
      expect(todos[0]).toMatchObject({ id: 1, title: 'Write a function', completed: true })
    })

    it('GET /api/todos/1 answers one todo (":id" coerced to an integer)', async () => {
      const res = await get('/api/todos/1')
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ id: 1, title: 'Write a function' })
    })

    it('GET /api/todos/999 is a 404 NotFoundError', async () => {
      const res = await get('/api/todos/999')
      expect(res.status).toBe(404)
      const body = await res.json()
      expect(body).toMatchObject({ name: 'NotFoundError', message: 'Todo 999 not found' })
      expect(typeof body.errorId).toBe('string')
    })

    it('POST /api/todos creates a todo that the list then shows', async () => {
      const res = await post('/api/todos', JSON.stringify({ title: 'Posted over HTTP' }))
      expect(res.status).toBe(200)
      const created = (await res.json()) as Todo
      expect(created).toMatchObject({ title: 'Posted over HTTP', completed: false })
      expect(typeof created.id).toBe('number')
      const list = (await (await get('/api/todos')).json()) as Todo[]
      expect(list.map((t) => t.title)).toContain('Posted over HTTP')
      const one = await get(`/api/todos/${created.id}`)
      expect(one.status).toBe(200)
    })

    it('POST /api/todos with an empty title is a 422 with the failing path', async () => {
      const res = await post('/api/todos', JSON.stringify({ title: '' }))
      expect(res.status).toBe(422)
      const body = await res.json()
      expect(body.name).toBe('UnprocessableContentError')
      expect(body.payload.errors[0].path).toBe('/title')
      expect(typeof body.errorId).toBe('string')
    })

    it('POST /api/todos with an unknown key is a 422 (the Zod schema is strict)', async () => {
      const res = await post('/api/todos', JSON.stringify({ title: 'x', extra: 1 }))
      expect(res.status).toBe(422)
    })

    it('GET /api/todos?limit=abc is a 422', async () => {
      const res = await get('/api/todos?limit=abc')
      expect(res.status).toBe(422)
      const body = await res.json()
      expect(body.name).toBe('UnprocessableContentError')
      expect(body.payload.errors[0].path).toBe('/limit')
    })

    it('GET /api/todos?limit=101 is a 422 from the JSDoc @maximum that pikku turned into the schema', async () => {
      const res = await get('/api/todos?limit=101')
      expect(res.status).toBe(422)
      expect((await res.json()).payload.errors[0]).toMatchObject({ path: '/limit', message: expect.stringContaining('100') })
      expect((await get('/rest/todos/0')).status).toBe(422) // @minimum 1, through the file route
    })

    it('GET /api/todos?limit=1 coerces the query string and answers one todo', async () => {
      const res = await get('/api/todos?limit=1')
      expect(res.status).toBe(200)
      expect(await res.json()).toHaveLength(1)
    })

    it('GET /api/todos?completed=true filters by a coerced boolean', async () => {
      const res = await get('/api/todos?completed=true')
      expect(res.status).toBe(200)
      const todos = (await res.json()) as Todo[]
      expect(todos.length).toBeGreaterThan(0)
      expect(todos.every((t) => t.completed)).toBe(true)
    })

    it('an unknown path under /api is a 404', async () => {
      const res = await get('/api/nothing-here')
      expect(res.status).toBe(404)
    })
  })

  describe('sign-in with the session cookie (login sets it, /api/me needs it)', () => {
    it('refuses a wrong password and answers /api/me with 401 without the cookie', async () => {
      const wrong = await post('/api/login', JSON.stringify({ name: 'ada', password: 'guess' }))
      expect(wrong.status).toBe(401)
      expect(wrong.headers.get('set-cookie')).toBeNull()
      const res = await get('/api/me')
      expect(res.status).toBe(401)
      expect((await res.json()).name).toBe('MissingSessionError')
    })

    it('signs in, reads the session from the cookie, and signs out', async () => {
      const res = await post('/api/login', JSON.stringify({ name: 'ada', password: 'open-sesame' }))
      expect(res.status).toBe(200)
      const setCookie = res.headers.get('set-cookie')!
      expect(setCookie).toMatch(/^pikku_session=[\w-]+\.[\w-]+; Max-Age=604800; Path=\/; HttpOnly; Secure; SameSite=Lax$/)
      const cookie = setCookie.split(';')[0]!
      const me = await fetch(base + '/api/me', { headers: { cookie } })
      expect(me.status).toBe(200)
      expect(await me.json()).toEqual({ userId: 'ada' })
      const forged = cookie.replace(/\.[\w-]+$/, '.AAAA')
      expect((await fetch(base + '/api/me', { headers: { cookie: forged } })).status).toBe(401)
      const out = await fetch(base + '/api/logout', { method: 'POST', headers: { cookie } })
      expect(out.status).toBe(204)
      expect(out.headers.get('set-cookie')).toMatch(/^pikku_session=; Max-Age=0;/)
    })
  })

  describe('file route app/rest/todos/[id] (pikku.route)', () => {
    it('GET /rest/todos/1 answers the todo', async () => {
      const res = await get('/rest/todos/1')
      expect(res.status).toBe(200)
      expect(await res.json()).toMatchObject({ id: 1, title: 'Write a function' })
    })

    it('GET /rest/todos/999 is a 404 NotFoundError', async () => {
      const res = await get('/rest/todos/999')
      expect(res.status).toBe(404)
      expect((await res.json()).name).toBe('NotFoundError')
    })

    it('GET /rest/todos/abc is a 422 on /id', async () => {
      const res = await get('/rest/todos/abc')
      expect(res.status).toBe(422)
      expect((await res.json()).payload.errors[0].path).toBe('/id')
    })
  })

  describe('page app/page.tsx (pikku.call in a server component and a server action)', () => {
    it('GET / renders the todos', async () => {
      const res = await get('/')
      expect(res.status).toBe(200)
      const html = await res.text()
      expect(html).toContain('Write a function')
      expect(html).toContain('Serve it from Next.js')
      // pikku.client: the typed route-map client, answered in-process.
      expect(html).toMatch(/First: (<!-- -->)?Write a function/)
    })

    it('the form posts to the server action, which creates a todo', async () => {
      const page = await (await get('/')).text()
      const form = new FormData()
      for (const [name, value] of actionFields(page)) form.append(name, value)
      form.append('title', 'Added by the form')
      const res = await fetch(base + '/', { method: 'POST', body: form, headers: { origin: base } })
      expect(res.status).toBe(200)
      expect(await res.text()).toContain('Added by the form')
      const list = (await (await get('/api/todos')).json()) as Todo[]
      expect(list.map((t) => t.title)).toContain('Added by the form')
    })

    it('the server action reports a validation error from pikku.call', async () => {
      const page = await (await get('/')).text()
      const form = new FormData()
      for (const [name, value] of actionFields(page)) form.append(name, value)
      form.append('title', '')
      const before = ((await (await get('/api/todos')).json()) as Todo[]).length
      const res = await fetch(base + '/', { method: 'POST', body: form, headers: { origin: base } })
      expect(res.status).toBe(200)
      const html = await res.text()
      // The form's own words next to the field, never the developer's message.
      expect(html).toMatch(/id="new-todo-title-error"[^>]*role="alert"[^>]*>Write what needs doing\.</)
      expect(html).not.toMatch(/\/title:|shorter than|Invalid input/)
      const after = ((await (await get('/api/todos')).json()) as Todo[]).length
      expect(after).toBe(before)
    })
  })

  describe('titles and todos over HTTP (JSDoc constraints, toggleTodo)', () => {
    it('refuses a title of spaces (@pattern \\S) and one of 201 characters (@maxLength 200)', async () => {
      for (const title of ['   ', 'x'.repeat(201)]) {
        const res = await post('/api/todos', JSON.stringify({ title }))
        expect(res.status).toBe(422)
        expect((await res.json()).payload.errors[0].path).toBe('/title')
      }
    })

    it('stores a title without the spaces around it', async () => {
      const res = await post('/api/todos', JSON.stringify({ title: '  Trimmed  ' }))
      expect(res.status).toBe(200)
      expect((await res.json()).title).toBe('Trimmed')
    })

    it('POST /api/todos/:id/toggle flips completed, and is a 404 for no such todo', async () => {
      const created = (await (await post('/api/todos', JSON.stringify({ title: 'Toggled over HTTP' }))).json()) as Todo
      const once = await fetch(`${base}/api/todos/${created.id}/toggle`, { method: 'POST' })
      expect(once.status).toBe(200)
      expect(await once.json()).toMatchObject({ id: created.id, completed: true })
      const twice = await fetch(`${base}/api/todos/${created.id}/toggle`, { method: 'POST' })
      expect(await twice.json()).toMatchObject({ id: created.id, completed: false })
      expect((await fetch(`${base}/api/todos/999/toggle`, { method: 'POST' })).status).toBe(404)
    })

    it('serves a favicon', async () => {
      const ico = await get('/favicon.ico')
      expect(ico.status).toBe(200)
      expect(ico.headers.get('content-type')).toMatch(/^image\/x-icon/)
      const page = await (await get('/')).text()
      expect(page).toMatch(/<link rel="icon" href="\/favicon\.ico[^"]*"/)
      expect(page).toMatch(/<link rel="icon" href="\/icon\.svg[^"]*"/)
    })
  })

  describe('in Chromium (playwright-core)', () => {
    let browser: Browser
    let context: BrowserContext
    let page: Page

    beforeAll(async () => {
      browser = await launchChromium()
      context = await browser.newContext({ viewport: { width: 800, height: 900 } })
      page = await context.newPage()
    }, 60_000)

    afterAll(async () => {
      await browser?.close()
    })

    const todo = (p: Page, title: string) => p.locator('.todos li', { hasText: title })
    const titles = (p: Page) => p.locator('.todos li .title').allTextContents()

    /**
     * Opens the page and waits until React has hydrated the forms (it keeps its props on the
     * DOM nodes), so that a click runs the action from JavaScript rather than as a plain post;
     * a marker on `window` then tells that no full page load happened.
     */
    async function open(): Promise<void> {
      await page.goto(base + '/')
      await page.waitForFunction(
        'Object.keys(document.querySelector("#new-todo-title")).some((key) => key.startsWith("__reactProps"))',
      )
      await page.evaluate('window.__samePage = true')
    }
    const stayedOnPage = async () => expect(await page.evaluate('window.__samePage === true')).toBe(true)

    it('lists the todos through the server component', async () => {
      await open()
      await todo(page, 'Write a function').waitFor()
      expect(await titles(page)).toEqual(expect.arrayContaining(['Write a function', 'Wire it to a route', 'Serve it from Next.js']))
      expect(await todo(page, 'Write a function').locator('button').getAttribute('aria-pressed')).toBe('true')
    })

    it('adds a todo through the form (a server action) and empties the field', async () => {
      await open()
      await page.fill('#new-todo-title', '  Added in Chromium  ')
      await page.click('button:text-is("Add")')
      await todo(page, 'Added in Chromium').waitFor()
      expect(await titles(page)).toContain('Added in Chromium')
      await page.waitForFunction('document.querySelector("#new-todo-title").value === ""')
      await stayedOnPage()
    })

    it('shows a field error next to the field for a title of spaces, keeping the typed text', async () => {
      await open()
      const before = await page.locator('.todos li').count()
      await page.fill('#new-todo-title', '   ')
      await page.click('button:text-is("Add")')
      const error = page.locator('.todo-form #new-todo-title-error')
      await error.waitFor()
      expect(await error.textContent()).toBe('Write what needs doing.')
      expect(await page.inputValue('#new-todo-title')).toBe('   ')
      expect(await page.getAttribute('#new-todo-title', 'aria-invalid')).toBe('true')
      expect(await page.getAttribute('#new-todo-title', 'aria-describedby')).toBe('new-todo-title-error')
      expect(await page.locator('.todos li').count()).toBe(before)
      await stayedOnPage()

      await page.fill('#new-todo-title', '')
      await page.click('button:text-is("Add")')
      await page.waitForFunction('document.querySelector("#new-todo-title").getAttribute("aria-invalid") === "true"')
      expect(await error.textContent()).toBe('Write what needs doing.')
    })

    it('refuses a 201-character title with a message and the text kept; a 200-character one wraps', async () => {
      await open()
      const tooLong = 'y'.repeat(201)
      await page.fill('#new-todo-title', tooLong)
      await page.click('button:text-is("Add")')
      await page.locator('#new-todo-title-error', { hasText: '200 characters' }).waitFor()
      expect(await page.textContent('#new-todo-title-error')).toBe('Keep it to 200 characters (this is 201).')
      expect(await page.inputValue('#new-todo-title')).toBe(tooLong)

      const longest = 'z'.repeat(200)
      await page.fill('#new-todo-title', longest)
      await page.click('button:text-is("Add")')
      await todo(page, longest).waitFor()
      await stayedOnPage()
      // No sideways scrolling: the page is as wide as the window.
      const widths = (await page.evaluate('[document.documentElement.scrollWidth, document.documentElement.clientWidth]')) as number[]
      expect(widths[0]).toBeLessThanOrEqual(widths[1]!)
    })

    it('completes a todo by clicking its checkbox, and undoes it', async () => {
      await open()
      const check = todo(page, 'Serve it from Next.js').locator('button')
      expect(await check.getAttribute('aria-pressed')).toBe('false')
      await check.click()
      await todo(page, 'Serve it from Next.js').locator('button[aria-pressed="true"]').waitFor()
      const stored = (await (await get('/api/todos/3')).json()) as Todo
      expect(stored.completed).toBe(true)
      await check.click()
      await todo(page, 'Serve it from Next.js').locator('button[aria-pressed="false"]').waitFor()
      await stayedOnPage()
      expect(((await (await get('/api/todos/3')).json()) as Todo).completed).toBe(false)
    })

    it('signs in (refusing a wrong password), shows who is signed in, and signs out', async () => {
      await open()
      await page.fill('input[name="name"]', 'grace')
      await page.fill('input[name="password"]', 'guess')
      await page.click('button:text-is("Sign in")')
      await page.locator('.sign-in [role="alert"]').waitFor()
      expect(await page.textContent('.sign-in [role="alert"]')).toBe('Wrong name or password.')
      expect(await page.inputValue('input[name="name"]')).toBe('grace')

      await page.fill('input[name="password"]', 'open-sesame')
      await page.click('button:text-is("Sign in")')
      await page.locator('[data-testid="user"]', { hasText: 'grace' }).waitFor()
      const cookie = (await context.cookies()).find((c) => c.name === 'pikku_session')
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' })
      await stayedOnPage()
      await open()
      expect(await page.textContent('[data-testid="user"]')).toBe('grace')

      await page.click('button:text-is("Sign out")')
      await page.locator('button:text-is("Sign in")').waitFor()
      await stayedOnPage()
      expect((await context.cookies()).some((c) => c.name === 'pikku_session')).toBe(false)
    })

    describe('with JavaScript disabled (plain form posts)', () => {
      let noJs: BrowserContext
      let plain: Page

      beforeAll(async () => {
        noJs = await browser.newContext({ javaScriptEnabled: false })
        plain = await noJs.newPage()
      })

      afterAll(async () => {
        await noJs?.close()
      })

      it('adds a todo, and shows a field error with the typed text kept', async () => {
        await plain.goto(base + '/')
        await plain.fill('#new-todo-title', 'Added without JavaScript')
        await plain.click('button:text-is("Add")')
        await todo(plain, 'Added without JavaScript').waitFor()

        await plain.fill('#new-todo-title', '  ')
        await plain.click('button:text-is("Add")')
        await plain.locator('#new-todo-title-error').waitFor()
        expect(await plain.textContent('#new-todo-title-error')).toBe('Write what needs doing.')
        expect(await plain.inputValue('#new-todo-title')).toBe('  ')
      })

      it('completes a todo by clicking its checkbox', async () => {
        await plain.goto(base + '/')
        const title = 'Added without JavaScript'
        expect(await todo(plain, title).locator('button').getAttribute('aria-pressed')).toBe('false')
        await todo(plain, title).locator('button').click()
        await todo(plain, title).locator('button[aria-pressed="true"]').waitFor()
      })

      it('signs in and out', async () => {
        await plain.goto(base + '/')
        await plain.fill('input[name="name"]', 'linus')
        await plain.fill('input[name="password"]', 'open-sesame')
        await plain.click('button:text-is("Sign in")')
        await plain.locator('[data-testid="user"]', { hasText: 'linus' }).waitFor()
        await plain.click('button:text-is("Sign out")')
        await plain.locator('button:text-is("Sign in")').waitFor()
      })
    })
  })

  it('the server logged no errors', () => {
    expect(logs()).not.toMatch(/\bError\b|⨯/)
  })
})
