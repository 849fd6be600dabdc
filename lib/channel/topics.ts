/** In-process topics of one channel: connections subscribe, and a publish reaches every subscriber. */
export class Topics<C> {
  private readonly subscribers = new Map<string, Set<C>>()
  /** Each connection's topics, so that a closing connection leaves them without a scan. */
  private readonly joined = new Map<C, Set<string>>()

  /** Adds `connection` to `topic`. */
  subscribe(topic: string, connection: C): void {
    let set = this.subscribers.get(topic)
    if (!set) this.subscribers.set(topic, (set = new Set()))
    set.add(connection)
    let topics = this.joined.get(connection)
    if (!topics) this.joined.set(connection, (topics = new Set()))
    topics.add(topic)
  }

  /** Removes `connection` from `topic`. */
  unsubscribe(topic: string, connection: C): void {
    const set = this.subscribers.get(topic)
    if (set) {
      set.delete(connection)
      if (set.size === 0) this.subscribers.delete(topic)
    }
    const topics = this.joined.get(connection)
    topics?.delete(topic)
    if (topics?.size === 0) this.joined.delete(connection)
  }

  /** Removes a connection from every topic it joined (when it closes). */
  leaveAll(connection: C): void {
    for (const topic of [...(this.joined.get(connection) ?? [])]) this.unsubscribe(topic, connection)
  }

  /** The subscribers of a topic, except `except`. */
  audience(topic: string, except?: C): C[] {
    return [...(this.subscribers.get(topic) ?? [])].filter((c) => c !== except)
  }

  /** How many connections listen to `topic`. */
  size(topic: string): number {
    return this.subscribers.get(topic)?.size ?? 0
  }
}
