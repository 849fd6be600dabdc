// Ours through the standalone server: Rust owns the socket, JavaScript runs the functions.
import { createBenchApp, load } from '../ours.mjs'
import { stopOnSignal } from '../shared.mjs'

const { listen } = load('standalone')
const server = listen(createBenchApp(), { port: Number(process.env.PORT ?? 0) })
process.stdout.write(`port ${server.port}\n`)
stopOnSignal()
