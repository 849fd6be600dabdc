// The shapes of the native boundary, generated from Rust (lib/generated/boundary.ts from
// crates/pikku-engine/src/boundary.rs, lib/generated/standalone.ts from
// crates/pikku-server/src/batch.rs): what JavaScript writes by hand reads back as the generated
// tuples, and the engine's answers come in the generated shapes. (The Rust side holds its
// encoders to the same types; tsc holds the TypeScript users to them.)
import { createRequire } from 'node:module'

import { describe, expect, it } from 'vitest'

import { createApp, pikkuSessionlessFunc } from '@pikku/native'

import type { WireAnswer } from '../lib/generated/boundary.js'
import { ERROR_TABLE } from '../lib/generated/error-table.js'
import type { AnswerEntry, FrameEntry } from '../lib/generated/standalone.js'

const load = createRequire(__filename)
const { answerEntry, frameEntry } = load('../dist/standalone/outbox.js') as typeof import('../dist/standalone/outbox.js')
const { isErrorAnswer } = load('../dist/http/answer.js') as typeof import('../dist/http/answer.js')
const { portOf } = load('../dist/app/port.js') as typeof import('../dist/app/port.js')

describe('batch entries written by hand', () => {
  it('read back as the generated AnswerEntry', () => {
    const entries: AnswerEntry[] = [
      [1, 200, [], null],
      [2, 404, ['set-cookie', 'a=1', 'x-note', 'é"\\\n'], 17],
      [4294967295, 0, [], 0],
    ]
    for (const entry of entries) expect(JSON.parse(answerEntry(...entry))).toEqual(entry)
  })

  it('read back as the generated FrameEntry', () => {
    const entries: FrameEntry[] = [[1, 0], [2, 5, 1000], [Number.MAX_SAFE_INTEGER, 3, 4999]]
    for (const entry of entries) expect(JSON.parse(frameEntry(...entry))).toEqual(entry)
  })
})

describe('the engine’s answers', () => {
  const echo = pikkuSessionlessFunc({ input: { type: 'object', properties: { id: { type: 'integer' } } }, func: async (_s, data) => data })
  const app = createApp({ routes: [{ method: 'get', route: '/echo/:id', func: echo, auth: false }] })
  const { handle } = portOf(app).built
  const ask = (method: string, url: string): WireAnswer => {
    const answer = handle(method, url)
    return typeof answer === 'number' ? [answer, {}] : (JSON.parse(answer) as WireAnswer)
  }

  it('come as a RunAnswer or an ErrorAnswer whose name is the error table’s', () => {
    const run = ask('GET', '/echo/7')
    expect(isErrorAnswer(run)).toBe(false)
    expect(run).toEqual([0, { id: 7 }])
    const notAllowed = ask('POST', '/echo/7')
    if (!isErrorAnswer(notAllowed)) throw new Error(`expected an error, got ${JSON.stringify(notAllowed)}`)
    expect(notAllowed[0]).toBe(-ERROR_TABLE.MethodNotAllowedError.status)
    expect(notAllowed[1].name).toBe('MethodNotAllowedError')
    expect(typeof notAllowed[2]).toBe('string')
    const missing = ask('GET', '/nowhere')
    if (!isErrorAnswer(missing)) throw new Error('expected an error')
    expect(Object.keys(ERROR_TABLE)).toContain(missing[1].name)
    expect(missing).toHaveLength(2)
  })
})
