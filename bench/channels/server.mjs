// One channel server for the channel benchmark, by kind (the first argument):
// - `ws`: a bare `ws` server on node:http that parses each message, checks it, and replies in
//   the shape ours does: what JavaScript WebSockets cost with no framework (the ceiling);
// - `ours-node`: our channel `/ws/bench` through `attachChannels` on node:http;
// - `ours-standalone`: the same channel on the standalone server (Rust speaks WebSocket).
// Prints `port N` once it listens; stops on SIGTERM.
import { createServer } from 'node:http'

import { WebSocketServer } from 'ws'

import { load } from '../http/ours.mjs'
import { stopOnSignal } from '../http/shared.mjs'

const kind = process.argv[2]

/** The message's schema: `{ action: 'echo', n: integer }`. */
const echoInput = { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'], additionalProperties: false }

function benchApp() {
  const { createApp, pikkuSessionlessFunc } = load()
  const echo = pikkuSessionlessFunc({ name: 'echo', input: echoInput, func: async (_services, data) => data })
  return createApp({ routes: [], channels: [{ name: 'bench', route: '/ws/bench', auth: false, onMessageWiring: { action: { echo } } }], production: true })
}

function listenOn(server) {
  server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => process.stdout.write(`port ${server.address().port}\n`))
}

if (kind === 'ws') {
  const server = createServer((_req, res) => res.end())
  const wss = new WebSocketServer({ server, path: '/ws/bench', maxPayload: 1024 * 1024 })
  wss.on('connection', (ws) => {
    let seq = 0
    ws.on('message', (data) => {
      seq++
      let message
      try {
        message = JSON.parse(String(data))
      } catch {
        ws.send(JSON.stringify({ seq, error: { name: 'BadRequestError' } }))
        return
      }
      const valid = message?.action === 'echo' && Number.isInteger(message.n) && Object.keys(message).length === 2
      ws.send(JSON.stringify(valid ? { seq, action: 'echo', data: { n: message.n } } : { seq, action: message?.action, error: { name: 'UnprocessableContentError' } }))
    })
  })
  listenOn(server)
} else if (kind === 'ours-node') {
  const { attachChannels } = load()
  const server = createServer((_req, res) => res.end())
  attachChannels(benchApp(), server, { maxQueuedMessages: 1000 })
  listenOn(server)
} else if (kind === 'ours-standalone') {
  const { listen } = load('standalone')
  const server = listen(benchApp(), { port: Number(process.env.PORT ?? 0), channels: { maxQueuedMessages: 1000 } })
  process.stdout.write(`port ${server.port}\n`)
} else {
  console.error(`unknown channel server kind: ${kind} (ws, ours-node, ours-standalone)`)
  process.exit(2)
}
stopOnSignal()
