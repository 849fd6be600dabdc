import type Redis from 'ioredis'

import type { Todo, TodoStore } from './store.js'

/** Todos in one Redis hash, shared by every process of the scaled-out example. */
export class RedisTodoStore implements TodoStore {
  constructor(
    private readonly redis: Redis,
    private readonly key = 'todo-app:todos',
  ) {}

  async add(title: string, owner?: string): Promise<Todo> {
    const todo: Todo = { id: await this.redis.incr(`${this.key}:next-id`), title, completed: false }
    if (owner) todo.owner = owner
    await this.redis.hset(this.key, String(todo.id), JSON.stringify(todo))
    return todo
  }

  async get(id: number): Promise<Todo | undefined> {
    const text = await this.redis.hget(this.key, String(id))
    return text === null ? undefined : (JSON.parse(text) as Todo)
  }

  async list(): Promise<Todo[]> {
    const texts = await this.redis.hvals(this.key)
    return texts.map((text) => JSON.parse(text) as Todo).sort((a, b) => a.id - b.id)
  }

  async remove(id: number): Promise<boolean> {
    return (await this.redis.hdel(this.key, String(id))) === 1
  }
}
