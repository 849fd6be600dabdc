// One instance of the broadcast app: the standalone server with a RedisChannelBroker, and a
// channel whose actions let a client join a room (subscribe) and shout in it (publish), as in
// __test__/channels-broker.test.ts. Prints `port N`; closes on SIGTERM.
//
//   node bench/queues/broadcast-server.mjs <redis-url>
import { createApp, pikkuSessionlessFunc } from '@pikku/native'
import { RedisChannelBroker } from '@pikku/native/redis'
import { listen } from '@pikku/native/standalone'

const room = { type: 'string', minLength: 1 }
const join = pikkuSessionlessFunc({
  name: 'benchJoin',
  input: { type: 'object', properties: { room }, required: ['room'], additionalProperties: false },
  func: async ({ channel }, { room }) => channel.subscribe(room),
})
const shout = pikkuSessionlessFunc({
  name: 'benchShout',
  input: { type: 'object', properties: { room, text: { type: 'string' } }, required: ['room', 'text'], additionalProperties: false },
  func: async ({ channel }, { room, text }) => channel.publish(room, { room, text }),
})
const app = createApp({ routes: [], channels: [{ name: 'rooms', route: '/ws/rooms', auth: false, onMessageWiring: { action: { join, shout } } }] })

const broker = new RedisChannelBroker({ url: process.argv[2], redisChannel: 'bench:rooms' })
const server = listen(app, { port: 0, channels: { broker } })
console.log(`port ${server.port}`)

process.once('SIGTERM', async () => {
  await server.close({ graceMs: 0 })
  await broker.close() // after the server, as the README says
  process.exit(0)
})
