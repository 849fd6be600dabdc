import { addRoute, createApp } from '@pikku/native'

import { greet } from './functions.js'

addRoute({ method: 'get', route: '/greet/:name', func: greet, auth: false })

/** The app: the routes above, with the schemas `pikku` wrote from the functions' types. */
export function makeApp() {
  return createApp({ metadata: '.pikku/pikku-meta.gen.json' })
}
