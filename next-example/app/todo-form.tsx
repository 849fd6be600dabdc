'use client'

import { useActionState } from 'react'
import { createTodoAction, type CreateTodoState } from './actions'

/**
 * Adds a todo through a server action. Without JavaScript the form posts as a plain form and
 * the page comes back with the same state: the typed title and the message next to it.
 */
export function TodoForm() {
  const [state, action, pending] = useActionState<CreateTodoState, FormData>(createTodoAction, { values: {} })
  const error = state.errors?.title ?? state.errors?.form
  return (
    <form action={action} className="todo-form">
      <label htmlFor="new-todo-title">New todo</label>
      <div className="row">
        <input
          id="new-todo-title"
          name="title"
          placeholder="What needs doing?"
          autoComplete="off"
          // React resets a form after its action; the state puts the typed title back.
          defaultValue={state.values.title ?? ''}
          aria-invalid={state.errors?.title ? true : undefined}
          aria-describedby={error ? 'new-todo-title-error' : undefined}
        />
        <button type="submit" disabled={pending}>
          Add
        </button>
      </div>
      {error ? (
        <p id="new-todo-title-error" className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  )
}
