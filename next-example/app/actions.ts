'use server'

import { UnprocessableContentError } from '@pikku/native'
import { revalidatePath } from 'next/cache'
import { cookies } from 'next/headers'
import { SESSION_COOKIE, createTodo, pikku, toggleTodo } from '@/pikku/app'
import { callRoute, forwardCookies } from './session'

/** What the forms show after an action: the typed values, and a message per field. */
export interface FormState<F extends string> {
  values: Partial<Record<F, string>>
  errors?: Partial<Record<F | 'form', string>>
}

export type CreateTodoState = FormState<'title'>
export type SignInState = FormState<'name'>

/**
 * The fields named by a 422's `payload.errors` (`[{ path: '/title', message }]`). The
 * messages there are the developer's (`"" is shorter than 1 character`); the forms show their
 * own words for each field instead.
 */
function invalidFields(error: unknown): string[] | undefined {
  if (!(error instanceof UnprocessableContentError)) return undefined
  const errors = (error.payload as { errors?: Array<{ path?: unknown }> } | undefined)?.errors ?? []
  return errors.map((item) => (typeof item.path === 'string' ? (item.path.split('/')[1] ?? '') : ''))
}

/** The form's server action: runs createTodo in-process, with the same validation as POST /api/todos. */
export async function createTodoAction(_previous: CreateTodoState, form: FormData): Promise<CreateTodoState> {
  const title = String(form.get('title') ?? '')
  try {
    await pikku.call(createTodo, { title }, { auth: false })
  } catch (error) {
    const fields = invalidFields(error)
    if (!fields) throw error
    const message = fields.includes('title')
      ? title.length > 200
        ? `Keep it to 200 characters (this is ${title.length}).`
        : 'Write what needs doing.'
      : 'That did not work; check the form.'
    // The typed text goes back into the field.
    return { values: { title }, errors: fields.includes('title') ? { title: message } : { form: message } }
  }
  revalidatePath('/')
  return { values: {} }
}

/** A todo's checkbox: runs toggleTodo in-process (also wired as POST /api/todos/:id/toggle). */
export async function toggleTodoAction(form: FormData): Promise<void> {
  await pikku.call(toggleTodo, { id: Number(form.get('id')) }, { auth: false })
  revalidatePath('/')
}

/** Signs in through the `login` route, whose answer carries the session cookie the engine signed. */
export async function signInAction(_previous: SignInState, form: FormData): Promise<SignInState> {
  const name = String(form.get('name') ?? '').trim()
  const password = String(form.get('password') ?? '')
  const response = await callRoute('POST', '/login', { name, password })
  if (response.status === 422) {
    const body = (await response.json()) as { payload?: { errors?: Array<{ path?: string }> } }
    const paths = (body.payload?.errors ?? []).map((item) => item.path)
    return {
      values: { name },
      errors: paths.includes('/name') ? { name: 'Enter your name.' } : { form: 'Enter the password.' },
    }
  }
  if (response.status === 401) return { values: { name }, errors: { form: 'Wrong name or password.' } }
  if (!response.ok) throw new Error(`login answered ${response.status}`)
  await forwardCookies(response)
  revalidatePath('/')
  return { values: {} }
}

/** Signs out through the `logout` route, which clears the cookie. */
export async function signOutAction(): Promise<void> {
  const response = await callRoute('POST', '/logout')
  if (response.headers.getSetCookie().length > 0) await forwardCookies(response)
  // A cookie the engine no longer accepts (401) is dropped all the same.
  else (await cookies()).delete(SESSION_COOKIE)
  revalidatePath('/')
}
