export interface Todo {
  id: number
  title: string
  completed: boolean
  createdAt: string
}

/** An in-memory todo store: enough for an example, gone when the server stops. */
export class TodoStore {
  private readonly todos = new Map<number, Todo>()
  private nextId = 1

  constructor(seed: ReadonlyArray<Pick<Todo, 'title' | 'completed'>> = []) {
    for (const todo of seed) this.create(todo.title, todo.completed)
  }

  list(filter: { completed?: boolean; limit?: number } = {}): Todo[] {
    let todos = [...this.todos.values()]
    if (filter.completed !== undefined) todos = todos.filter((todo) => todo.completed === filter.completed)
    if (filter.limit !== undefined) todos = todos.slice(0, filter.limit)
    return todos
  }

  get(id: number): Todo | undefined {
    return this.todos.get(id)
  }

  create(title: string, completed = false): Todo {
    const todo: Todo = { id: this.nextId++, title, completed, createdAt: new Date().toISOString() }
    this.todos.set(todo.id, todo)
    return todo
  }

  /** Flips `completed`; undefined when there is no such todo. */
  toggle(id: number): Todo | undefined {
    const todo = this.todos.get(id)
    if (todo) todo.completed = !todo.completed
    return todo
  }
}
