// Starts the fixture app behind each adapter on 127.0.0.1, so every behaviour test runs
// through real HTTP against node:http, Express (with and without a body parser), Fastify (the
// plugin, and a route per handler behind Fastify's own body parsing), the Fetch API handler, the Next.js catch-all route handlers (`pikkuNext(app).routes`, called as Next
// calls them; a real `next build` + `next start` is in next.test.ts), the standalone server
// (Rust owns the socket) and the AWS Lambda handler (behind a bridge that speaks as API
// Gateway REST and HTTP APIs and a load balancer: helpers/lambda-bridge.ts).
import { spawn } from 'node:child_process'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

import express from 'express'
import Fastify from 'fastify'

import type { PikkuApp } from '@pikku/native'
import { pikkuExpress, pikkuExpressRoute } from '@pikku/native/express'
import { pikkuFastify, pikkuFastifyRoute } from '@pikku/native/fastify'
import { createFetchHandler } from '@pikku/native/fetch'
import { pikkuNext } from '@pikku/native/next'
import { createHttpHandler } from '@pikku/native/lambda'
import { createRequestListener } from '@pikku/native/node-http'
import { listen as listenStandalone } from '@pikku/native/standalone'

import { lambdaBridge, type LambdaKind } from './lambda-bridge.js'

export type AdapterKind = 'node-http' | 'express' | 'express+json' | 'express-route' | FastifyKind | 'fetch' | 'next' | 'standalone' | LambdaKind
/** `fastify`: the plugin ahead of Fastify's lifecycle (no hook applies); `fastify-lifecycle`: inside it (a hook applies). */
type FastifyKind = 'fastify' | 'fastify-lifecycle' | 'fastify-route'
export const ADAPTERS: AdapterKind[] = ['node-http', 'express', 'express+json', 'express-route', 'fastify', 'fastify-lifecycle', 'fastify-route', 'fetch', 'next', 'standalone', 'lambda-v1', 'lambda-v2', 'lambda-alb']

/** The todo app served by another runtime, in a process of its own (fixtures/runtime-server.ts). */
export type RuntimeKind = `${'bun' | 'deno'}-${'fetch' | 'node-http' | 'standalone'}`
export const RUNTIME_ADAPTERS: RuntimeKind[] = ['bun-fetch', 'bun-node-http', 'bun-standalone', 'deno-fetch', 'deno-node-http', 'deno-standalone']

/** The contract suites' todo app (`makeTodoApp(options)`) behind `kind`, in this process or under another runtime. */
export async function serveTodoApp(kind: AdapterKind | RuntimeKind, options: { production?: boolean } = {}): Promise<Running> {
  // Loaded here, not at the top: the fixture wires its routes globally, which the other
  // suites using these helpers do not want.
  const { makeTodoApp } = await import('../fixtures/todo-app.js')
  if (!(RUNTIME_ADAPTERS as string[]).includes(kind)) return serve(kind as AdapterKind, makeTodoApp(options))
  const [runtimeName, ...adapter] = kind.split('-') as ['bun' | 'deno', ...string[]]
  const { runtime } = await import('../../scripts/runtimes.mjs')
  const script = join(__dirname, '..', 'fixtures', 'runtime-server.ts')
  // Deno: the fixture's TypeScript imports `./x.js` for `./x.ts`, as tsc wants (sloppy imports).
  const args = runtimeName === 'deno' ? ['run', '--allow-all', '--unstable-sloppy-imports', script] : [script]
  const child = spawn(runtime(runtimeName), [...args, adapter.join('-'), JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NO_COLOR: '1' } })
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${kind} exited with ${code} before listening`)))
    createInterface({ input: child.stdout! }).on('line', (line) => /^port \d+$/.test(line) && resolve(Number(line.slice(5))))
  })
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => child.once('exit', () => resolve()).kill('SIGTERM')),
  }
}

/** The adapters whose framework routes each route to its own handler (no 405 of ours). */
export const ROUTE_HANDLERS: readonly string[] = ['express-route', 'fastify-route']

// The app's routes, as the engine holds them (reached as the adapters reach them).
const { portOf } = createRequire(__filename)('../../dist/app/port.js') as typeof import('../../dist/app/port.js')

export interface Running {
  url: string
  close(): Promise<void>
}

export async function serve(kind: AdapterKind, app: PikkuApp): Promise<Running> {
  if (kind === 'standalone') {
    const server = listenStandalone(app)
    return { url: server.url, close: () => server.close() }
  }
  if (kind === 'fastify' || kind === 'fastify-lifecycle' || kind === 'fastify-route') return serveFastify(kind, app)
  return listen(createServer(listenerFor(kind, app)))
}

/** The app behind Fastify: its plugin, or each route to its own handler. */
async function serveFastify(kind: FastifyKind, app: PikkuApp): Promise<Running> {
  const server = Fastify()
  if (kind === 'fastify') {
    server.register(pikkuFastify(app))
  } else if (kind === 'fastify-lifecycle') {
    // A hook that applies to every route keeps the app's requests in Fastify's lifecycle.
    server.addHook('onRequest', (_request, _reply, next) => next())
    server.register(pikkuFastify(app))
  } else {
    // Fastify parses JSON and text itself; other types reach the handlers as bytes.
    server.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))
    for (const { target, auth } of portOf(app).built.routes) {
      const method = target.label.split(' ')[0]!.toUpperCase() as 'GET'
      // Fastify's wildcard is a bare `*` at the end: the handler names it for the function.
      const wildcard = /\*(\w+)$/.exec(target.route!)?.[1]
      const url = wildcard === undefined ? target.route! : target.route!.slice(0, -wildcard.length)
      server.route({ method, url, handler: pikkuFastifyRoute(app, target.func, { auth, timeoutMs: target.timeoutMs, sse: target.sse, ...(wildcard ? { wildcard } : {}) }) })
    }
  }
  server.setNotFoundHandler((_request, reply) => void reply.status(404).send({ fallthrough: true }))
  await server.listen({ port: 0, host: '127.0.0.1' })
  const { port } = server.server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() }
}

export async function listen(server: Server): Promise<Running> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function listenerFor(kind: Exclude<AdapterKind, 'standalone' | FastifyKind>, app: PikkuApp) {
  switch (kind) {
    case 'lambda-v1':
    case 'lambda-v2':
    case 'lambda-alb':
      return lambdaBridge(kind, createHttpHandler(app))
    case 'node-http':
      return createRequestListener(app)
    case 'express':
    case 'express+json': {
      const server = express()
      if (kind === 'express+json') {
        server.use(express.json())
        server.use(express.urlencoded({ extended: false }))
      }
      server.use(pikkuExpress(app))
      server.use((_req, res) => {
        res.status(404).json({ fallthrough: true })
      })
      return server
    }
    case 'express-route': {
      // Express routes each of the app's routes to its own handler (`pikkuExpressRoute`), with
      // the route's auth and time limit as the handler's options.
      const server = express()
      for (const { target, auth } of portOf(app).built.routes) {
        const method = target.label.split(' ')[0]!.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete' | 'head' | 'options'
        server[method](target.route!, pikkuExpressRoute(app, target.func, { auth, timeoutMs: target.timeoutMs, sse: target.sse }))
      }
      server.use((_req, res) => {
        res.status(404).json({ fallthrough: true })
      })
      return server
    }
    case 'fetch':
      return fetchBridge(createFetchHandler(app))
    case 'next':
      return fetchBridge(nextCatchAll(app))
  }
}

/**
 * The catch-all `app/[...route]/route.ts` of a Next.js app (`basePath: ''`): Next picks the
 * exported handler by method and passes the dynamic segments as a promise.
 */
function nextCatchAll(app: PikkuApp): (request: Request) => Promise<Response> {
  const { routes } = pikkuNext(app, { basePath: '' })
  return (request) => {
    const handler = routes[request.method as keyof typeof routes]
    if (!handler) return Promise.resolve(new Response(null, { status: 405 })) // Next's own answer
    const route = new URL(request.url).pathname.split('/').filter(Boolean)
    return handler(request, { params: Promise.resolve({ route }) })
  }
}

/**
 * A minimal Fetch API host on node:http (what a runtime like Deno or Bun provides): an event
 * stream is passed on as it comes, and the client going away aborts the request's signal and
 * cancels the stream, as those hosts do.
 */
export function fetchBridge(handler: (request: Request) => Promise<Response>) {
  return (req: IncomingMessage, res: import('node:http').ServerResponse) => {
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD'
    const gone = new AbortController()
    res.on('close', () => gone.abort())
    const request = new Request(`http://127.0.0.1${req.url}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: hasBody ? (req as unknown as ReadableStream) : undefined,
      signal: gone.signal,
      // @ts-expect-error Node's fetch needs this for streamed request bodies
      duplex: 'half',
    })
    handler(request)
      .then(async (response) => {
        if (response.headers.get('content-type')?.startsWith('text/event-stream') && response.body) {
          res.writeHead(response.status, Object.fromEntries(response.headers))
          res.flushHeaders()
          const reader = response.body.getReader()
          res.on('close', () => void reader.cancel().catch(() => {}))
          for (let read = await reader.read(); !read.done; read = await reader.read()) {
            if (!res.write(read.value)) await new Promise((resolve) => res.once('drain', resolve).once('close', resolve))
          }
          return void res.end()
        }
        const body = Buffer.from(await response.arrayBuffer())
        res.writeHead(response.status, { ...Object.fromEntries(response.headers), 'content-length': String(body.length) })
        res.end(body)
      })
      .catch(() => {
        if (res.headersSent) return void res.destroy() // a stream that failed midway
        res.writeHead(500)
        res.end()
      })
  }
}
