// Ours through the Fastify plugin: Fastify 5 with pikkuFastify(app) registered, no routes of
// its own (the app's requests are taken in its onRequest stage).
import Fastify from 'fastify'

import { createBenchApp, load } from '../ours.mjs'
import { listen } from '../shared.mjs'

const { pikkuFastify } = load('fastify')
const server = Fastify()
server.register(pikkuFastify(createBenchApp()))
await server.ready()
listen(server.server)
