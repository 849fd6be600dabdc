import assert from 'node:assert/strict'
import { test } from 'node:test'

import { UnprocessableContentError } from '@pikku/native'

import { makeApp } from './app.js'
import { greet } from './functions.js'

const app = makeApp()

test('greets by name', async () => {
  assert.deepEqual(await app.call(greet, { name: 'Ada' }, { auth: false }), { message: 'Hello, Ada!' })
})

test('refuses an empty name before the function runs', async () => {
  await assert.rejects(app.call(greet, { name: '' }, { auth: false }), UnprocessableContentError)
})
