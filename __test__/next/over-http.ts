// The Next.js example over real HTTP on 127.0.0.1: the catch-all route handler, sign-in with
// the session cookie, a file route, a server component that calls a function in-process and
// a server action posted by its form, and the JSDoc constraints on titles. Run by
// next.test.ts against its server.
import { describe, expect, it } from 'vitest'

import type { NextExample, Todo } from '../helpers/next-example.js'

const json = { 'content-type': 'application/json' }

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

/** The tests over HTTP, registered inside next.test.ts's describe (which starts the app). */
export function overHttp(example: NextExample): void {
  const get = (p: string) => fetch(example.base + p)
  const post = (p: string, body: string) => fetch(example.base + p, { method: 'POST', headers: json, body })

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
      const me = await fetch(example.base + '/api/me', { headers: { cookie } })
      expect(me.status).toBe(200)
      expect(await me.json()).toEqual({ userId: 'ada' })
      const forged = cookie.replace(/\.[\w-]+$/, '.AAAA')
      expect((await fetch(example.base + '/api/me', { headers: { cookie: forged } })).status).toBe(401)
      const out = await fetch(example.base + '/api/logout', { method: 'POST', headers: { cookie } })
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
      const res = await fetch(example.base + '/', { method: 'POST', body: form, headers: { origin: example.base } })
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
      const res = await fetch(example.base + '/', { method: 'POST', body: form, headers: { origin: example.base } })
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
      const once = await fetch(`${example.base}/api/todos/${created.id}/toggle`, { method: 'POST' })
      expect(once.status).toBe(200)
      expect(await once.json()).toMatchObject({ id: created.id, completed: true })
      const twice = await fetch(`${example.base}/api/todos/${created.id}/toggle`, { method: 'POST' })
      expect(await twice.json()).toMatchObject({ id: created.id, completed: false })
      expect((await fetch(`${example.base}/api/todos/999/toggle`, { method: 'POST' })).status).toBe(404)
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
}
