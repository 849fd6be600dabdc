// One end of a cross-process broadcast, by role:
// - `ws-pub <ws-url> …` / `ws-sub <ws-url> …`: a WebSocket client of broadcast-server.mjs that
//   shouts in room `bench`, or joins it and times what arrives;
// - `redis-pub <redis-url> …` / `redis-sub <redis-url> …`: a bare ioredis PUBLISH / SUBSCRIBE
//   pair carrying the very text our broker puts on Redis (same size, same parsing).
// Each message carries its send time, `performance.timeOrigin + performance.now()` (ms since
// the epoch with sub-ms digits, comparable across processes on one machine).
// Publishers send W warm-up messages then M measured ones, one every `interval` ms.
// Subscribers print `ready`, then `{ count, warm, latencies }` once M arrived or stdin closes.
//
//   node bench/queues/broadcast-peer.mjs <role> <url> <M> [<W> <interval-ms>]
import { randomUUID } from 'node:crypto'

import Redis from 'ioredis'
import WebSocket from 'ws'

const [role, url, ...numbers] = process.argv.slice(2)
const [measured, warmup, interval] = numbers.map(Number)
const now = () => performance.timeOrigin + performance.now()

if (role.endsWith('-sub')) {
  const latencies = []
  let warm = 0
  const report = () => {
    console.log(JSON.stringify({ count: latencies.length, warm, latencies }))
    process.exit(0)
  }
  // `{ room, text }` with text `m:<time>` (measured) or `w:<time>` (warm-up).
  const arrived = (broadcast) => {
    const at = now()
    const [kind, sent] = broadcast.text.split(':')
    if (kind === 'w') warm++
    else if (latencies.push(at - Number(sent)) === measured) report()
  }
  if (role === 'ws-sub') {
    const ws = new WebSocket(url)
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    ws.on('message', (data) => {
      const message = JSON.parse(String(data))
      if ('seq' in message) {
        if (message.error) throw new Error(`join failed: ${JSON.stringify(message.error)}`)
        console.log('ready') // joined
      } else arrived(message)
    })
    ws.send(JSON.stringify({ action: 'join', room: 'bench' }))
  } else {
    const redis = new Redis(url)
    // What our broker does with each message: parse the envelope, then the client parses the text.
    redis.on('message', (_channel, message) => arrived(JSON.parse(JSON.parse(message)[3])))
    await redis.subscribe('bench:bare')
    console.log('ready')
  }
  process.stdin.on('data', () => undefined).once('end', report)
} else {
  let send
  let finish = async () => undefined
  if (role === 'ws-pub') {
    const ws = new WebSocket(url)
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    let replies = 0
    let done
    const allReplied = new Promise((resolve) => (done = resolve))
    ws.on('message', (data) => {
      const reply = JSON.parse(String(data))
      if (reply.error) throw new Error(`shout failed: ${JSON.stringify(reply.error)}`)
      if (++replies === warmup + measured) done()
    })
    send = (text) => ws.send(JSON.stringify({ action: 'shout', room: 'bench', text }))
    finish = () => allReplied.then(() => ws.close())
  } else {
    const redis = new Redis(url)
    const origin = randomUUID() // the envelope of RedisChannelBroker: [origin, channel, topic, text]
    send = (text) => redis.publish('bench:bare', JSON.stringify([origin, 'rooms', 'bench', JSON.stringify({ room: 'bench', text })]))
    finish = () => redis.quit()
  }
  // A steady rate: each send is due at a fixed slot, whatever the timers' drift.
  const start = performance.now()
  for (let i = 0; i < warmup + measured; i++) {
    const wait = start + i * interval - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    send(`${i < warmup ? 'w' : 'm'}:${now()}`)
  }
  await finish()
  console.log(JSON.stringify({ sent: warmup + measured }))
  process.exit(0)
}
