// One measured run of our queues on BullMQ: enqueue N jobs through `queues.enqueue` (the
// engine validates each against the function's input schema) and run them in this process
// with the given concurrency. Prints `{ jobs, seconds, rate, cpuPerJob }` (µs) as one JSON line.
//
//   node bench/queues/ours.mjs <redis-url> <prefix> <jobs> <concurrency> <batch>
import { addQueueWorker, createApp, createQueues, pikkuSessionlessFunc } from '@pikku/native'
import { BullMQBackend } from '@pikku/native/bullmq'

const [url, prefix, ...numbers] = process.argv.slice(2)
const [jobs, concurrency, batch] = numbers.map(Number)

const input = {
  type: 'object',
  properties: { n: { type: 'integer' }, text: { type: 'string' } },
  required: ['n', 'text'],
  additionalProperties: false,
}
// Each job marks its number, so a job run twice or never is caught.
const seen = new Uint8Array(jobs)
let ran = 0
let finished
const allRan = new Promise((resolve) => (finished = resolve))
const job = pikkuSessionlessFunc({
  name: 'benchJob',
  input,
  func: async (_services, { n }) => {
    seen[n]++
    if (++ran === jobs) finished(performance.now())
  },
})
const worker = addQueueWorker({ queue: 'bench', func: job, concurrency })

const queues = createQueues({ backend: new BullMQBackend({ connection: url, prefix }), logger: console })
await queues.start(createApp({ routes: [] }))

// Batches of `batch` concurrent enqueues, each batch awaited before the next (as bare.mjs).
const t0 = performance.now()
const cpu0 = process.cpuUsage() // all threads of this process
for (let from = 0; from < jobs; from += batch) {
  const adds = []
  for (let n = from; n < Math.min(from + batch, jobs); n++) adds.push(queues.enqueue(worker, { n, text: 'hello' }))
  await Promise.all(adds)
}
const t1 = await allRan
const cpu = process.cpuUsage(cpu0)
await queues.stop()

const wrong = seen.filter((count) => count !== 1).length
if (wrong) throw new Error(`ours: ${wrong} jobs ran other than once`)
const seconds = (t1 - t0) / 1000
console.log(JSON.stringify({ jobs, seconds, rate: jobs / seconds, cpuPerJob: (cpu.user + cpu.system) / jobs }))
