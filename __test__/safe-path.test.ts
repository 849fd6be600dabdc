// safePath: a client-given path (a `*path` route param, percent-decoded) joined under a folder
// without leaving it. Unit-level: it is pure path arithmetic; the route that decodes
// `..%2f..%2fetc%2fpasswd` into `../../etc/passwd` is the engine's (see the adapters suite).
import { join, resolve } from 'node:path'

import { describe, expect, it } from 'vitest'

import { BadRequestError, safePath } from '@pikku/native'

const root = resolve('/srv/public')

describe('safePath', () => {
  it.each([
    ['a/b.txt', join(root, 'a', 'b.txt')],
    ['a/./b/../c.txt', join(root, 'a', 'c.txt')],
    ['..hidden', join(root, '..hidden')],
    ['', root],
  ])('keeps %j inside the folder', (path, expected) => {
    expect(safePath('/srv/public', path)).toBe(expected)
  })

  it.each([
    ['../../etc/passwd', 'leaves the folder served'],
    ['a/../../secret', 'leaves the folder served'],
    ['..', 'leaves the folder served'],
    ['/etc/passwd', 'is absolute'],
    ['C:/Windows', 'is absolute'],
    ['a\0b', 'NUL byte'],
  ])('refuses %j with a 400 saying why', (path, reason) => {
    let thrown: unknown
    try {
      safePath('/srv/public', path)
    } catch (error) {
      thrown = error
    }
    expect(thrown).toBeInstanceOf(BadRequestError)
    expect((thrown as Error).message).toContain(reason)
  })
})
