/** Reads `name:value` lines (lower-case names), split only when a header is first read. */
export class HeaderBlock {
  private byName: Map<string, string> | undefined

  constructor(private readonly block: string) {}

  get(name: string): string | undefined {
    if (this.byName === undefined) {
      this.byName = new Map()
      for (const line of this.block.split('\n')) {
        const colon = line.indexOf(':')
        if (colon > 0) this.byName.set(line.slice(0, colon), line.slice(colon + 1))
      }
    }
    return this.byName.get(name)
  }
}
