// Type-level behaviour: checked by `tsc` in the test command (the @ts-expect-error lines
// fail the build if the wrong input were accepted) and by vitest's expectTypeOf.
import { describe, expectTypeOf, it } from 'vitest'
import { z } from 'zod'

import { addRoute, createApp, pikkuFunc, pikkuSessionlessFunc, type APIFunction, type APIFunctionSessionless } from '@pikku/native'

import './fixtures/app-types.js'

type AppSession = { userId: string; role?: 'admin' | 'user' }

const getThing: APIFunction<{ id: number }, { id: number; by: string }> = async (services, data, session) => {
  expectTypeOf(services.todos[0]!.title).toEqualTypeOf<string>()
  expectTypeOf(session.role).toEqualTypeOf<'admin' | 'user' | undefined>()
  return { id: data.id, by: session.userId }
}

const publicThing: APIFunctionSessionless<{ q?: string }, string[]> = async (_services, data, session) => {
  expectTypeOf(session).toEqualTypeOf<AppSession | undefined>()
  return [data.q ?? '']
}

const zodThing = pikkuSessionlessFunc({
  input: z.object({ title: z.string(), count: z.number().optional() }),
  func: async (_services, data) => data.title.length + (data.count ?? 0),
})

describe('types', () => {
  it('reads Services and Session from one module augmentation', () => {
    expectTypeOf(getThing).parameter(2).toEqualTypeOf<AppSession>()
  })

  it('infers the input of a Zod schema', () => {
    expectTypeOf(zodThing).parameter(1).toEqualTypeOf<{ title: string; count?: number | undefined }>()
  })

  it('types app.call by the function', () => {
    const app = createApp({ routes: [] })
    const called = app.call(getThing, { id: 1 }, { session: { userId: 'u' } })
    expectTypeOf(called).resolves.toEqualTypeOf<{ id: number; by: string }>()
    void called.catch(() => {})
    // @ts-expect-error wrong input type
    void app.call(getThing, { id: 'one' }).catch(() => {})
    // @ts-expect-error missing input key
    void app.call(zodThing, { count: 1 }).catch(() => {})
  })

  it('refuses auth: false on a function that needs a session', () => {
    const wire = (fn: () => void) => fn
    wire(() => addRoute({ method: 'get', route: '/a', func: publicThing, auth: false }))
    wire(() => addRoute({ method: 'get', route: '/b', func: getThing }))
    // @ts-expect-error getThing needs a session
    wire(() => addRoute({ method: 'get', route: '/c', func: getThing, auth: false }))
    // @ts-expect-error unknown method
    wire(() => addRoute({ method: 'fetch', route: '/d', func: publicThing }))
  })

  it('types the output of a Zod `output` schema (types only: nothing checks it at run time)', () => {
    const Todo = z.object({ id: z.string(), done: z.boolean().default(false) })
    const getTodo = pikkuSessionlessFunc({
      input: Todo.pick({ id: true }),
      output: Todo,
      func: async (_services, { id }) => ({ id }),
    })
    expectTypeOf(getTodo).parameter(1).toEqualTypeOf<{ id: string }>()
    expectTypeOf(getTodo).returns.resolves.toEqualTypeOf<{ id: string; done?: boolean | undefined }>()
    const withSession = pikkuFunc({ input: Todo, output: z.array(Todo), func: async (_services, data) => [data] })
    expectTypeOf(withSession).returns.resolves.toEqualTypeOf<{ id: string; done?: boolean | undefined }[]>()
    // @ts-expect-error the function must return the output schema's type
    pikkuSessionlessFunc({ input: Todo, output: Todo, func: async () => ({ id: 1 }) })
    // @ts-expect-error `output` must be a schema like `input`
    pikkuSessionlessFunc({ input: Todo, output: 'Todo', func: async () => ({ id: 'a' }) })
  })

  it('types pikkuFunc forms', () => {
    const f = pikkuFunc<{ a: number }, number>(async (_s, data) => data.a)
    expectTypeOf(f).toEqualTypeOf<APIFunction<{ a: number }, number>>()
    // @ts-expect-error the function must return the declared output
    pikkuFunc<{ a: number }, number>(async () => 'nope')
  })
})
