'use client'

import { useActionState } from 'react'
import { createTodoAction, type CreateTodoState } from './actions'

export function TodoForm() {
  const [state, action, pending] = useActionState<CreateTodoState, FormData>(createTodoAction, {})
  return (
    <form action={action} style={{ display: 'flex', gap: '0.5rem', alignItems: 'center' }}>
      <input name="title" placeholder="What needs doing?" aria-label="Title" />
      <button type="submit" disabled={pending}>
        Add
      </button>
      {state.error ? <span role="alert">{state.error}</span> : null}
    </form>
  )
}
