// The AWS Lambda handlers with events shaped as AWS's documentation shows them
// (fixtures/lambda/): API Gateway REST and HTTP APIs and a load balancer, SQS and an
// EventBridge schedule, their error paths included. The HTTP handler also runs the whole
// adapter contract suite behind a bridge (helpers/lambda-bridge.ts).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { addQueueWorker, PikkuStartupError, pikkuSessionlessFunc, type ScheduledTaskWiring } from '@pikku/native'
import { createHttpHandler, createScheduledHandler, createSqsHandler, type HttpEvent, type ScheduledEvent, type SqsEvent } from '@pikku/native/lambda'

import { jobFunction, makeQueueApp } from './fixtures/queue-app.js'
import { makeTodoApp } from './fixtures/todo-app.js'

const fixture = <T>(name: string): T => JSON.parse(readFileSync(join(__dirname, 'fixtures', 'lambda', `${name}.json`), 'utf8')) as T
const handler = createHttpHandler(makeTodoApp()) // once, as at a module's top in a container

describe('the HTTP handler', () => {
  it('answers a REST API event, with multi-value headers', async () => {
    const result = await handler(fixture('rest-api-get'))
    expect(result.statusCode).toBe(200)
    expect(JSON.parse(result.body)).toMatchObject({ id: 2, title: 'Write tests' })
    expect(result.multiValueHeaders?.['content-type']).toEqual([expect.stringMatching(/^application\/json/)])
    expect(result.isBase64Encoded).toBe(false)
  })

  it('reads a base64 body', async () => {
    const result = await handler(fixture('rest-api-post-base64'))
    expect(JSON.parse(result.body)).toMatchObject({ title: 'From a REST API' })
  })

  it('answers an HTTP API (2.0) event: raw query string, cookies', async () => {
    const echoed = await handler(fixture('http-api-v2-post'))
    expect(echoed.statusCode).toBe(200)
    expect(JSON.parse(echoed.body)).toEqual({ hello: 'from Lambda', parameter1: ['value1', 'value2'], parameter2: 'value' })
    expect(echoed.headers?.['content-type']).toMatch(/^application\/json/)
    const session = await makeSessionHandler()({ ...fixture<Record<string, unknown>>('http-api-v2-post'), rawPath: '/login', rawQueryString: '', body: '{}' } as unknown as HttpEvent)
    expect(session.cookies).toEqual([expect.stringMatching(/^sid=/)]) // set-cookie goes in `cookies`
  })

  it('answers a load balancer event in its mode: multi-value headers, or single ones, with a status description', async () => {
    const multi = await handler(fixture('alb-multi-value'))
    expect(JSON.parse(multi.body)).toEqual({ tag: ['a b', 'c'] }) // passed encoded, as a load balancer does
    expect(multi.multiValueHeaders?.['content-type']).toBeDefined()
    expect(multi.statusDescription).toBe('200 OK')
    const single = await handler(fixture('alb-single-value'))
    expect([single.statusCode, single.statusDescription]).toEqual([404, '404 Not Found'])
    expect(single.headers?.['content-type']).toMatch(/^application\/json/)
    expect(single.multiValueHeaders).toBeUndefined()
  })

  it('cuts the base path off, and answers 413 past the body limit', async () => {
    const staged = createHttpHandler(makeTodoApp(), { basePath: '/prod/' })
    expect((await staged({ ...fixture<Record<string, unknown>>('rest-api-get'), path: '/prod/todos/2' } as unknown as HttpEvent)).statusCode).toBe(200)
    const big = Buffer.from(JSON.stringify({ title: 'x'.repeat(70 * 1024) })).toString('base64')
    const result = await handler({ ...fixture<Record<string, unknown>>('rest-api-post-base64'), body: big } as unknown as HttpEvent)
    expect([result.statusCode, JSON.parse(result.body).name]).toEqual([413, 'PayloadTooLargeError'])
  })

  it('answers 400 to a body marked base64 that is not, and fails an event that is not HTTP', async () => {
    const result = await handler({ ...fixture<Record<string, unknown>>('rest-api-post-base64'), body: 'not base64!' } as unknown as HttpEvent)
    expect(result.statusCode).toBe(400)
    expect(JSON.parse(result.body)).toMatchObject({ name: 'BadRequestError', message: expect.stringContaining('isBase64Encoded') })
    const { httpMethod: _, ...noMethod } = fixture<Record<string, unknown>>('rest-api-get')
    await expect(handler(noMethod as unknown as HttpEvent)).rejects.toThrow(/PIKKU_ERR_LAMBDA: the event has no `httpMethod` and `path`/)
    const { requestContext: __, ...noContext } = fixture<Record<string, unknown>>('http-api-v2-post')
    await expect(handler(noContext as unknown as HttpEvent)).rejects.toThrow(/PIKKU_ERR_LAMBDA: an HTTP API event \(payload 2\.0\) without `rawPath` or `requestContext\.http\.method`/)
    await expect(handler(null as never)).rejects.toThrow(/the event is not an object/)
  })
})

/** An app whose `/login` sets the session cookie. */
function makeSessionHandler() {
  const login = pikkuSessionlessFunc<Record<string, never>, void>({
    name: 'lambdaLogin',
    input: { type: 'object' },
    func: async ({ userSession }) => userSession.set({ userId: 'u1' }),
  })
  const app = makeTodoApp({ routes: [{ method: 'post', route: '/login', func: login, auth: false }], session: { signedCookie: { name: 'sid', secrets: ['a-secret-for-the-session-cookie-32b!'] }, setCookie: { maxAgeSeconds: 3600 } } })
  return createHttpHandler(app)
}

describe('the SQS handler', () => {
  const seen: number[] = []
  const job = pikkuSessionlessFunc<{ n: number }, void>({
    name: 'lambdaJob',
    input: { type: 'object', properties: { n: { type: 'integer', minimum: 0 } }, required: ['n'], additionalProperties: false },
    func: async (_services, { n }) => {
      if (n === 13) throw new Error('unlucky')
      seen.push(n)
    },
  })
  const worker = addQueueWorker({ queue: 'lambda-jobs', func: job })
  const sqs = createSqsHandler(makeQueueApp(), { workers: [worker], logger: { error: () => {} } })
  const records = fixture<SqsEvent>('sqs').Records
  const record = (messageId: string, body: string, arn = records[0]!.eventSourceARN) => ({ ...records[0]!, messageId, body, eventSourceARN: arn })

  it("runs each message through the worker of the SQS queue's name, with its receive count as the attempt", async () => {
    const { func, calls } = jobFunction('lambdaCounted')
    const counted = createSqsHandler(makeQueueApp(), { workers: [addQueueWorker({ queue: 'lambda-jobs', func, retries: 4 })] })
    expect(await counted(fixture('sqs'))).toEqual({ batchItemFailures: [] })
    const byN = calls.sort((a, b) => a.n - b.n).map((call) => [call.n, call.queue])
    expect(byN).toEqual([
      [1, { name: 'lambda-jobs', jobId: '059f36b4-87a3-44ab-83d2-661975830a7d', attempt: 1, maxAttempts: 5 }],
      [2, { name: 'lambda-jobs', jobId: '2e1424d4-f796-459a-8184-9c92662be6da', attempt: 2, maxAttempts: 5 }],
    ])
  })

  it('reports the messages that failed, and only those: invalid data, a bad body, a throw, an unknown queue', async () => {
    seen.length = 0
    const event = {
      Records: [
        record('ok', '{"n":3}'),
        record('invalid', '{"n":-1}'),
        record('not-json', 'n=1'),
        record('throws', '{"n":13}'),
        record('elsewhere', '{"n":4}', 'arn:aws:sqs:us-east-2:123456789012:other-queue'),
      ],
    }
    const { batchItemFailures } = await sqs(event)
    expect(batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(['invalid', 'not-json', 'throws', 'elsewhere'])
    expect(seen).toEqual([3])
  })

  it('keeps the order of a FIFO queue: the messages after a failure are reported with it', async () => {
    seen.length = 0
    const fifo = createSqsHandler(makeQueueApp(), { workers: [addQueueWorker({ queue: 'lambda-jobs.fifo', func: job })], logger: { error: () => {} } })
    const arn = 'arn:aws:sqs:us-east-2:123456789012:lambda-jobs.fifo'
    const { batchItemFailures } = await fifo({ Records: [record('a', '{"n":5}', arn), record('b', '{"n":13}', arn), record('c', '{"n":6}', arn)] })
    expect(batchItemFailures.map((failure) => failure.itemIdentifier)).toEqual(['b', 'c'])
    expect(seen).toEqual([5])
  })

  it('refuses, when made, a worker whose function has no input schema', () => {
    const loose = addQueueWorker({ queue: 'lambda-loose', func: pikkuSessionlessFunc<{ n: number }, void>(async () => {}) })
    expect(() => createSqsHandler(makeQueueApp(), { workers: [loose] })).toThrow(PikkuStartupError)
    expect(() => createSqsHandler(makeQueueApp(), { workers: [loose] })).toThrow(/PIKKU_ERR_SCHEMA_MISSING/)
  })
})

describe('the EventBridge schedule handler', () => {
  const ran: string[] = []
  const tidy = pikkuSessionlessFunc<Record<string, never>, void>({ name: 'lambdaTidy', input: { type: 'object' }, func: async () => void ran.push('tidy') })
  const broken = pikkuSessionlessFunc<Record<string, never>, void>({
    name: 'lambdaBroken',
    input: { type: 'object' },
    func: async () => {
      throw new Error('the report failed')
    },
  })
  const tasks: ScheduledTaskWiring[] = [
    { name: 'lambda-tidy', schedule: '*/10 * * * *', func: tidy },
    { name: 'lambda-broken', schedule: '@hourly', func: broken },
  ]
  const logger = { error: () => {} }

  it("runs the task named by the event's rule", async () => {
    const handle = createScheduledHandler(makeQueueApp({ logger }), { tasks })
    await handle(fixture('eventbridge-scheduled'))
    expect(ran).toEqual(['tidy'])
  })

  it('fails the invocation for a failed run, an unknown rule, or a task option naming no task', async () => {
    const handle = createScheduledHandler(makeQueueApp({ logger }), { tasks })
    const event = fixture<ScheduledEvent>('eventbridge-scheduled')
    await expect(handle({ ...event, resources: ['arn:aws:events:us-east-1:123456789012:rule/lambda-broken'] })).rejects.toThrow('the report failed')
    await expect(handle({ ...event, resources: ['arn:aws:scheduler:us-east-1:123456789012:schedule/default/nightly'] })).rejects.toThrow(
      /PIKKU_ERR_SCHEDULE: no scheduled task for `arn:aws:scheduler:.*\/nightly`; name the rule or schedule after a task \(tasks: lambda-tidy, lambda-broken\)/,
    )
    const fallback = createScheduledHandler(makeQueueApp({ logger }), { tasks, task: 'lambda-tidy' })
    ran.length = 0
    await fallback({ ...event, resources: [] })
    expect(ran).toEqual(['tidy'])
    expect(() => createScheduledHandler(makeQueueApp({ logger }), { tasks, task: 'nope' })).toThrow(/`task` names `nope`, which is not a scheduled task/)
  })
})
