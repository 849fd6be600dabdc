// The Next.js example driven in Chromium (playwright-core), with and without JavaScript:
// the todo list, the form's server action and its field errors, and sign-in. Run by
// next.test.ts against its server.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { launchChromium } from '../helpers/browser'
import type { NextExample, Todo } from '../helpers/next-example.js'

/** The tests in Chromium, registered inside next.test.ts's describe (which starts the app). */
export function inChromium(example: NextExample): void {
  const get = (p: string) => fetch(example.base + p)

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
      await page.goto(example.base + '/')
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
        await plain.goto(example.base + '/')
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
        await plain.goto(example.base + '/')
        const title = 'Added without JavaScript'
        expect(await todo(plain, title).locator('button').getAttribute('aria-pressed')).toBe('false')
        await todo(plain, title).locator('button').click()
        await todo(plain, title).locator('button[aria-pressed="true"]').waitFor()
      })

      it('signs in and out', async () => {
        await plain.goto(example.base + '/')
        await plain.fill('input[name="name"]', 'linus')
        await plain.fill('input[name="password"]', 'open-sesame')
        await plain.click('button:text-is("Sign in")')
        await plain.locator('[data-testid="user"]', { hasText: 'linus' }).waitFor()
        await plain.click('button:text-is("Sign out")')
        await plain.locator('button:text-is("Sign in")').waitFor()
      })
    })
  })
}
