// The README's quick start is the type-checked file examples/quick-start/server.ts.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'

const root = join(__dirname, '..')

it('README quick start matches examples/quick-start/server.ts', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8')
  const block = /```ts\n([\s\S]*?)```/.exec(readme)?.[1]
  expect(block).toBe(readFileSync(join(root, 'examples/quick-start/server.ts'), 'utf8'))
})
