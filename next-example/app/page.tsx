import { headers } from 'next/headers'
import { SECURE_SESSION_COOKIE, listTodos, pikku } from '@/pikku/app'
import { signOutAction, toggleTodoAction } from './actions'
import { signedInUser } from './session'
import { SignInForm } from './sign-in-form'
import { TodoForm } from './todo-form'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

/** Whether the browser will drop the `Secure` session cookie: plain http on a host other than loopback. */
async function cookieWillBeDropped(): Promise<boolean> {
  if (!SECURE_SESSION_COOKIE) return false
  const request = await headers()
  const proto = request.get('x-forwarded-proto') ?? 'http'
  const host = (request.get('host') ?? '').replace(/:\d+$/, '')
  const loopback = host === 'localhost' || host.endsWith('.localhost') || host.startsWith('127.') || host === '[::1]'
  return proto === 'http' && !loopback
}

export default async function Home() {
  // Runs listTodos in-process: no HTTP round trip, same validation as GET /api/todos.
  const todos = await pikku.call(listTodos, {}, { auth: false })
  // The same by route, typed by the generated route map, also answered in-process.
  const first = await pikku.client.get('/todos/:id', { id: 1 })
  const user = await signedInUser()
  return (
    <main>
      <header className="session">
        {user ? (
          <form action={signOutAction} className="sign-out">
            <span>
              Signed in as <strong data-testid="user">{user}</strong>
            </span>
            <button type="submit">Sign out</button>
          </form>
        ) : (
          <>
            <SignInForm />
            <p className="hint">
              Any name, password <code>open-sesame</code>.
              {(await cookieWillBeDropped()) ? (
                <>
                  {' '}
                  <strong role="note">
                    The session cookie is <code>Secure</code>: over plain http the browser keeps it only on localhost or
                    127.0.0.1. Use HTTPS here, or start with <code>SESSION_COOKIE_SECURE=false</code> on a private network.
                  </strong>
                </>
              ) : null}
            </p>
          </>
        )}
      </header>
      <h1>Todos</h1>
      <ul className="todos">
        {todos.map((todo) => (
          <li key={todo.id} className={todo.completed ? 'done' : undefined}>
            {/* A form per todo: the click works without JavaScript too. */}
            <form action={toggleTodoAction}>
              <input type="hidden" name="id" value={todo.id} />
              <button
                type="submit"
                className="check"
                aria-pressed={todo.completed}
                aria-label={`${todo.completed ? 'Mark as not done' : 'Mark as done'}: ${todo.title}`}
                title={todo.completed ? 'Mark as not done' : 'Mark as done'}
              >
                {todo.completed ? '✓' : ''}
              </button>
            </form>
            <span className="title">{todo.title}</span>
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
