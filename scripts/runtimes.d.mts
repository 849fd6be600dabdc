// Types of runtimes.mjs, for the tests that run code under another runtime.
/** The path of runtime `name`'s binary, installed from the npm registry when missing. */
export function runtime(name: 'node24' | 'node22' | 'deno' | 'bun'): string
