import { listTodos, pikku } from '@/pikku/app'
import { TodoForm } from './todo-form'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

export default async function Home() {
  // Runs listTodos in-process: no HTTP round trip, same validation as GET /api/todos.
  const todos = await pikku.call(listTodos, {}, { auth: false })
  // The same by route, typed by the generated route map, also answered in-process.
  const first = await pikku.client.get('/todos/:id', { id: 1 })
  return (
    <main>
      <h1>Todos</h1>
      <ul>
        {todos.map((todo) => (
          <li key={todo.id}>
            <input type="checkbox" checked={todo.completed} readOnly aria-label="completed" /> {todo.title}
          </li>
        ))}
      </ul>
      <p>First: {first.title}</p>
      <TodoForm />
      <p>
        JSON: <a href="/api/todos">/api/todos</a> · <a href="/api/todos/1">/api/todos/1</a> ·{' '}
        <a href="/rest/todos/1">/rest/todos/1</a>
      </p>
    </main>
  )
}
