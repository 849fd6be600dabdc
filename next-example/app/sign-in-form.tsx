'use client'

import { useActionState } from 'react'
import { signInAction, type SignInState } from './actions'

/** Signs in through a server action (a plain form post without JavaScript). */
export function SignInForm() {
  const [state, action, pending] = useActionState<SignInState, FormData>(signInAction, { values: {} })
  const error = state.errors?.name ?? state.errors?.form
  return (
    <form action={action} className="sign-in">
      <input name="name" placeholder="Name" aria-label="Name" autoComplete="username" defaultValue={state.values.name ?? ''} />
      <input name="password" type="password" placeholder="Password" aria-label="Password" autoComplete="current-password" />
      <button type="submit" disabled={pending}>
        Sign in
      </button>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  )
}
