// Ours through the node:http adapter.
import { createServer } from 'node:http'

import { createBenchApp, load } from '../ours.mjs'
import { listen } from '../shared.mjs'

const { createRequestListener } = load('node-http')
listen(createServer(createRequestListener(createBenchApp())))
