import { NotFoundError, pikkuSessionlessFunc } from '@pikku/native'

export interface Greeting {
  message: string
}

// `pikku` turns this input type into a JSON Schema; the engine checks every input against it.
export const greet = pikkuSessionlessFunc<
  {
    /** @minLength 1 @maxLength 40 */
    name: string
  },
  Greeting
>(async (_services, { name }) => {
  if (name.toLowerCase() === 'nobody') throw new NotFoundError('There is nobody to greet')
  return { message: `Hello, ${name}!` }
})
