/** In-process topics: connections subscribe, and a publish reaches every subscriber. */
export class Topics<C> {
  private readonly subscribers = new Map<string, Set<C>>()

  subscribe(topic: string, connection: C): void {
    let set = this.subscribers.get(topic)
    if (!set) this.subscribers.set(topic, (set = new Set()))
    set.add(connection)
  }

  unsubscribe(topic: string, connection: C): void {
    const set = this.subscribers.get(topic)
    if (!set) return
    set.delete(connection)
    if (set.size === 0) this.subscribers.delete(topic)
  }

  /** Removes a connection from every topic (when it closes). */
  leaveAll(connection: C): void {
    for (const topic of [...this.subscribers.keys()]) this.unsubscribe(topic, connection)
  }

  /** The subscribers of a topic, except `except`. */
  audience(topic: string, except?: C): C[] {
    return [...(this.subscribers.get(topic) ?? [])].filter((c) => c !== except)
  }
}
