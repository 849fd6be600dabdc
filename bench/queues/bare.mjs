// One measured run of a bare BullMQ Queue and Worker, the peer of ours.mjs: the same jobs,
// the same job options as our BullMQ backend gives `Queue.add` (lib/queue/bullmq.ts, with
// addQueueWorker's defaults: 2 retries, exponential backoff from 1 s), the same connection
// options, the same enqueue batches and concurrency; a trivial async processor.
// Prints `{ jobs, seconds, rate, cpuPerJob }` (µs) as one JSON line.
//
//   node bench/queues/bare.mjs <redis-url> <prefix> <jobs> <concurrency> <batch>
import { randomUUID } from 'node:crypto'

import { Queue, Worker } from 'bullmq'

const [url, prefix, ...numbers] = process.argv.slice(2)
const [jobs, concurrency, batch] = numbers.map(Number)
const { hostname, port } = new URL(url)
const connection = { host: hostname, port: Number(port) }

const seen = new Uint8Array(jobs)
let ran = 0
let finished
const allRan = new Promise((resolve) => (finished = resolve))
const worker = new Worker(
  'bench',
  async ({ data: { n } }) => {
    seen[n]++
    if (++ran === jobs) finished(performance.now())
  },
  { connection, prefix, concurrency },
)
worker.on('error', (error) => console.error(`bare worker: ${error.message}`))
await worker.waitUntilReady()
// Ours turns the offline queue off for its Queue (an add while Redis is away fails at once).
const queue = new Queue('bench', { connection: { ...connection, enableOfflineQueue: false }, prefix })
queue.on('error', (error) => console.error(`bare queue: ${error.message}`))
const options = () => ({
  jobId: randomUUID(),
  attempts: 3,
  backoff: { type: 'exponential', delay: 1000 },
  delay: undefined,
  removeOnComplete: true,
  removeOnFail: { count: 1000 },
})

const t0 = performance.now()
const cpu0 = process.cpuUsage() // all threads of this process
for (let from = 0; from < jobs; from += batch) {
  const adds = []
  for (let n = from; n < Math.min(from + batch, jobs); n++) adds.push(queue.add('bench', { n, text: 'hello' }, options()))
  await Promise.all(adds)
}
const t1 = await allRan
const cpu = process.cpuUsage(cpu0)
await worker.close()
await queue.close()

const wrong = seen.filter((count) => count !== 1).length
if (wrong) throw new Error(`bare: ${wrong} jobs ran other than once`)
const seconds = (t1 - t0) / 1000
console.log(JSON.stringify({ jobs, seconds, rate: jobs / seconds, cpuPerJob: (cpu.user + cpu.system) / jobs }))
