import { createServer } from 'node:http'

import { createRequestListener } from '@pikku/native/node-http'

import { makeApp } from './app.js'

const port = Number(process.env.PORT ?? 3000)
createServer(createRequestListener(makeApp())).listen(port, () => {
  console.log(`Listening on http://localhost:${port} — try: curl localhost:${port}/greet/World`)
})
