// The channel benchmark's load: `node load.mjs <port> <clients> <inflight> <warmup s> <seconds>`
// opens `clients` WebSockets to 127.0.0.1:<port>/ws/bench, keeps `inflight` echo messages
// outstanding on each (a reply sends the next), and prints one JSON line: the replies counted
// after the warm-up, per second, and the replies that were not the expected echo.
import { WebSocket } from 'ws'

const [port, clients, inflight, warmup, seconds] = process.argv.slice(2).map(Number)
const url = `ws://127.0.0.1:${port}/ws/bench`

let counting = false
let replies = 0
let wrong = 0
let stopped = false

async function client() {
  const ws = new WebSocket(url)
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  let n = 0
  const send = () => ws.send(`{"action":"echo","n":${++n}}`)
  ws.on('message', (data) => {
    const reply = JSON.parse(String(data))
    if (counting) {
      replies++
      if (reply.action !== 'echo' || typeof reply.data?.n !== 'number') wrong++
    }
    if (!stopped) send()
  })
  for (let i = 0; i < inflight; i++) send()
  return ws
}

const sockets = await Promise.all(Array.from({ length: clients }, client))
await new Promise((resolve) => setTimeout(resolve, warmup * 1000))
counting = true
const start = performance.now()
await new Promise((resolve) => setTimeout(resolve, seconds * 1000))
counting = false
const elapsed = (performance.now() - start) / 1000
stopped = true
for (const ws of sockets) ws.terminate()
process.stdout.write(`${JSON.stringify({ rate: replies / elapsed, replies, wrong })}\n`)
