/** A todo. */
export interface Todo {
  id: number
  title: string
  completed: boolean
  owner?: string
}

/** Where the todos are kept: in memory in one process, in Redis when several share them. */
export interface TodoStore {
  add(title: string, owner?: string): Promise<Todo>
  get(id: number): Promise<Todo | undefined>
  list(): Promise<Todo[]>
  remove(id: number): Promise<boolean>
}

/** Todos in memory: enough for one process. */
export class MemoryTodoStore implements TodoStore {
  private nextId = 1
  private readonly todos = new Map<number, Todo>()

  constructor(titles: readonly string[] = []) {
    for (const title of titles) this.todos.set(this.nextId, { id: this.nextId++, title, completed: false })
  }

  async add(title: string, owner?: string): Promise<Todo> {
    const todo: Todo = { id: this.nextId++, title, completed: false }
    if (owner) todo.owner = owner
    this.todos.set(todo.id, todo)
    return todo
  }

  async get(id: number): Promise<Todo | undefined> {
    return this.todos.get(id)
  }

  async list(): Promise<Todo[]> {
    return [...this.todos.values()]
  }

  async remove(id: number): Promise<boolean> {
    return this.todos.delete(id)
  }
}
