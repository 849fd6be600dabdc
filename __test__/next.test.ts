// The Next.js example app (next-example/), built with `next build` and served by `next start`,
// tested through real HTTP on 127.0.0.1: the catch-all route handler, a file route, a server
// component that calls a function in-process, and a server action posted by its form; then
// driven in Chromium, with and without JavaScript, on the same server (one `next build`).
// The tests are in next/over-http.ts and next/in-chromium.ts; this file builds and starts the
// app once for both, in order.
import type { ChildProcess } from 'node:child_process'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { inChromium } from './next/in-chromium.js'
import { overHttp } from './next/over-http.js'
import { buildAndStart, stopAll, type NextExample } from './helpers/next-example.js'

describe('Next.js example (next build + next start)', () => {
  const example: NextExample = { base: '', logs: () => '' }
  let server: ChildProcess | undefined

  beforeAll(async () => {
    const running = await buildAndStart()
    server = running.server
    example.logs = running.logs
    example.base = running.base
  }, 400_000)

  afterAll(async () => {
    await stopAll(server)
  }, 30_000)

  overHttp(example)
  inChromium(example)

  it('the server logged no errors', () => {
    expect(example.logs()).not.toMatch(/\bError\b|⨯/)
  })
})
