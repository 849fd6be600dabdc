'use server'

import { UnprocessableContentError } from '@pikku/native'
import { revalidatePath } from 'next/cache'
import { createTodo, pikku } from '@/pikku/app'

export interface CreateTodoState {
  error?: string
}

/** The form's server action: runs createTodo in-process, with the same validation as POST /api/todos. */
export async function createTodoAction(_previous: CreateTodoState, form: FormData): Promise<CreateTodoState> {
  const title = String(form.get('title') ?? '')
  try {
    await pikku.call(createTodo, { title }, { auth: false })
  } catch (error) {
    if (error instanceof UnprocessableContentError) return { error: error.message }
    throw error
  }
  revalidatePath('/')
  return {}
}
