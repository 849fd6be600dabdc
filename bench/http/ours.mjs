// Our app for the suite, shared by the three adapter servers. The library is loaded from the
// repository's built root (../../dist and the .node file beside it), so bench/ never becomes
// a dependency of the package nor the package a copy in bench/node_modules. `PIKKU_ROOT`
// names another built checkout instead (ab.mjs compares two builds).
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

import { EXTRA_ROUTES, SECRET, extraPath, inputSchema } from './shared.mjs'

export const root = process.env.PIKKU_ROOT || fileURLToPath(new URL('../..', import.meta.url))
if (!existsSync(`${root}/dist/index.js`)) {
  console.error(`@pikku/native is not built in ${root}: run \`npx napi build --platform --release && npx tsc -p tsconfig.build.json\` there`)
  process.exit(1)
}
const require = createRequire(`${root}/package.json`)
/** Loads `@pikku/native` or one of its subpaths (`/node-http`, `/express`, `/fetch`) from the root. */
export const load = (subpath = '') => require(`${root}/dist/${subpath ? `adapters/${subpath}` : 'index'}.js`)

const { createApp, pikkuFunc, pikkuSessionlessFunc } = load()

export function createBenchApp() {
  // Every wired function has an input schema or the app refuses to start; hello takes none: `{}`.
  const hello = pikkuSessionlessFunc({ name: 'hello', input: {}, func: async () => ({ hello: 'world' }) })
  const todo = pikkuSessionlessFunc({ name: 'todo', input: inputSchema(), func: async (_services, data) => data })
  const secureTodo = pikkuFunc({ name: 'secureTodo', input: inputSchema(), func: async (_services, data) => data })
  const routes = [
    { method: 'get', route: '/hello', func: hello, auth: false },
    { method: 'post', route: '/todos/:id', func: todo, auth: false },
    { method: 'post', route: '/secure/todos/:id', func: secureTodo },
  ]
  for (let n = 0; n < EXTRA_ROUTES; n++) {
    const func = pikkuSessionlessFunc({ name: `extra${n}`, input: inputSchema(), func: async (_services, data) => data })
    routes.push({ method: 'post', route: `${extraPath(n)}/:id`, func, auth: false })
  }
  return createApp({ routes, session: { jwt: { algorithm: 'HS256', secret: SECRET } }, production: true })
}
