/** A todo. */
export interface Todo {
  id: number
  title: string
  completed: boolean
  owner?: string
}

/** Todos in memory: enough for an example. */
export class TodoStore {
  private nextId = 1
  private readonly todos = new Map<number, Todo>()

  add(title: string, owner?: string): Todo {
    const todo: Todo = { id: this.nextId++, title, completed: false }
    if (owner) todo.owner = owner
    this.todos.set(todo.id, todo)
    return todo
  }

  get(id: number): Todo | undefined {
    return this.todos.get(id)
  }

  list(): Todo[] {
    return [...this.todos.values()]
  }

  remove(id: number): boolean {
    return this.todos.delete(id)
  }
}
