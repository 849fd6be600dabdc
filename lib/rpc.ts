// Functions calling functions by name (`rpc.invoke` in every function's services), and the
// `POST /rpc/:name` route that serves the functions marked `expose: true`. A call by name
// runs as `app.call` does — the engine checks the input, the function's auth gate and
// permissions run — with the caller's session.

import { functionMeta, functionName, namedFunctions, pikkuSessionlessFunc } from './functions.js'
import { linkedFunctions } from './function-links.js'
import { BadRequestError, InternalServerError, NotFoundError } from './errors.js'
import type { AnyAPIFunction, InputOf, OutputOf, Session } from './types.js'

/**
 * The functions callable by name, with their types: filled in by the code generator's
 * `pikku-functions.gen.ts` (module augmentation), so that `rpc.invoke` is typed.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface RPCFunctions {}

/** The names of `RPCFunctions`. */
export type RPCName = keyof RPCFunctions & string

/**
 * `rpc` in every function's services: calls another function of the app by name, with the
 * caller's session, through the engine's validation, the auth gate and permissions.
 *
 * ```ts
 * const archive = pikkuFunc<{ id: number }, void>(async ({ rpc }, { id }) => {
 *   const todo = await rpc.invoke('getTodo', { id })   // typed by the generated map
 * })
 * ```
 */
export interface RPCInvoker {
  invoke: [RPCName] extends [never]
    ? (name: string, data?: unknown) => Promise<unknown>
    : <N extends RPCName>(name: N, data: InputOf<RPCFunctions[N]>) => Promise<OutputOf<RPCFunctions[N]>>
}

/** How deep calls by name may nest: a function that calls itself without end stops here. */
export const MOST_RPC_DEPTH = 32

/** Runs a function found by name, as the app calls it. */
export type RunByName = (func: AnyAPIFunction, data: unknown, session: Session | undefined, depth: number) => Promise<unknown>

/** The functions an app can call by name, found as they are asked for. */
export class RPCFunctionTable {
  private readonly known = new Map<string, AnyAPIFunction>()

  /** @param wired the app's wired functions (routes, channels, tasks, queues). */
  constructor(private readonly wired: () => Iterable<AnyAPIFunction>, private readonly nameOf: (func: AnyAPIFunction) => string | undefined) {}

  /** The function called `name`, if the app can tell: a generated link, a `name` given to its definer, or a wired function's name. */
  find(name: string): AnyAPIFunction | undefined {
    let func = this.known.get(name)
    if (func !== undefined) return func
    func = linkedFunctions().get(name) ?? namedFunctions().get(name)
    if (func === undefined) {
      for (const wired of this.wired()) {
        if ((this.nameOf(wired) ?? functionName(wired)) === name) {
          func = wired
          break
        }
      }
    }
    if (func !== undefined) this.known.set(name, func)
    return func
  }

  /** Whether any function the app can name now is marked `expose: true`. */
  anyExposed(): boolean {
    return [...this.all().values()].some((func) => functionMeta(func)?.expose === true)
  }

  /** Every function the app can name now, by name. */
  all(): Map<string, AnyAPIFunction> {
    const all = new Map<string, AnyAPIFunction>()
    for (const func of this.wired()) {
      const name = this.nameOf(func) ?? functionName(func)
      if (name !== undefined) all.set(name, func)
    }
    for (const [name, func] of namedFunctions()) all.set(name, func)
    for (const [name, func] of linkedFunctions()) all.set(name, func)
    return all
  }
}

/** The invoker of one invocation: its session (as it is when a call is made) and depth. */
export function rpcInvoker(table: RPCFunctionTable, run: RunByName, session: () => Session | undefined, depth: number): RPCInvoker {
  const invoke = (name: string, data?: unknown): Promise<unknown> => {
    const func = table.find(name)
    if (func === undefined) return Promise.reject(new NotFoundError(`rpc.invoke: the app has no function \`${name}\``))
    if (depth >= MOST_RPC_DEPTH) {
      return Promise.reject(new InternalServerError(`rpc.invoke: calls by name nest ${MOST_RPC_DEPTH} deep at \`${name}\`; a function that calls itself without end?`))
    }
    return run(func, data ?? {}, session(), depth + 1)
  }
  return { invoke } as RPCInvoker
}

/** The input of `POST /rpc/:name`: the name from the path, the function's data in the body. */
const RPC_ROUTE_INPUT = {
  type: 'object',
  properties: { name: { type: 'string' }, data: {}, rpcName: { type: 'string' } },
  required: ['name'],
  additionalProperties: false,
}

/**
 * The function behind `POST /rpc/:name`: runs the exposed function `name` with `data`, as
 * `rpc.invoke` would with the request's session. A function that is not exposed is a 404,
 * as one that does not exist.
 */
export function rpcRoute(table: RPCFunctionTable, run: RunByName) {
  return pikkuSessionlessFunc({
    input: RPC_ROUTE_INPUT,
    func: async (_services, { name, data, rpcName }: { name: string; data?: unknown; rpcName?: string }, session) => {
      // The reference's clients also send the name in the body: it must be the path's.
      if (rpcName !== undefined && rpcName !== name) throw new BadRequestError(`POST /rpc/${name}: the body names \`${rpcName}\``)
      const func = table.find(name)
      if (func === undefined || functionMeta(func)?.expose !== true) throw new NotFoundError(`no exposed function \`${name}\``)
      return run(func, data ?? {}, session, 1)
    },
  })
}
