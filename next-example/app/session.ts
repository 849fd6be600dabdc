import { cookies } from 'next/headers'
import { PikkuFetch, PikkuFetchError } from '@pikku/native/client'
import { localFetch } from '@pikku/native/fetch'
import { SESSION_COOKIE, app } from '@/pikku/app'
import type { Routes } from '@/.pikku/pikku-fetch.gen'

// Server-only helpers for the session cookie. The engine signs and verifies the cookie, so the
// page and the actions go through the app's own routes (`/login`, `/me`, `/logout`), answered
// in-process by `localFetch`: no socket, the same checks as over HTTP.

/** Who is signed in: the `me` function, asked with the request's session cookie. */
export async function signedInUser(): Promise<string | undefined> {
  const cookie = (await cookies()).get(SESSION_COOKIE)
  if (!cookie) return undefined
  const client = new PikkuFetch<Routes>(localFetch(app))
  client.setHeader('cookie', `${cookie.name}=${cookie.value}`)
  try {
    return (await client.get('/me')).userId
  } catch (error) {
    // A cookie that is forged, expired or signed with a retired secret: nobody.
    if (error instanceof PikkuFetchError && error.status === 401) return undefined
    throw error
  }
}

/** Calls one of the app's routes in-process, sending the request's session cookie. */
export async function callRoute(method: string, path: string, data?: unknown): Promise<Response> {
  const cookie = (await cookies()).get(SESSION_COOKIE)
  const headers: Record<string, string> = {}
  if (cookie) headers.cookie = `${cookie.name}=${cookie.value}`
  if (data !== undefined) headers['content-type'] = 'application/json'
  return localFetch(app)(path, { method, headers, body: data === undefined ? undefined : JSON.stringify(data) })
}

/**
 * Passes the `Set-Cookie` headers of an answer on to the browser: a server action answers
 * through Next, which sets cookies with `cookies().set()`.
 */
export async function forwardCookies(response: Response): Promise<void> {
  const jar = await cookies()
  for (const line of response.headers.getSetCookie()) {
    const [pair = '', ...attributes] = line.split(';').map((part) => part.trim())
    const eq = pair.indexOf('=')
    const cookie: Parameters<typeof jar.set>[0] = { name: pair.slice(0, eq), value: pair.slice(eq + 1) }
    for (const attribute of attributes) {
      const [key = '', value = ''] = attribute.split('=')
      switch (key.toLowerCase()) {
        case 'max-age':
          cookie.maxAge = Number(value)
          break
        case 'path':
          cookie.path = value
          break
        case 'domain':
          cookie.domain = value
          break
        case 'httponly':
          cookie.httpOnly = true
          break
        case 'secure':
          cookie.secure = true
          break
        case 'samesite':
          cookie.sameSite = value.toLowerCase() as 'lax' | 'strict' | 'none'
          break
      }
    }
    jar.set(cookie)
  }
}
