// Ours through the Fetch adapter on the runtime's own server (run under Bun or Deno).
import { createBenchApp, load } from '../ours.mjs'
import { serveFetch } from '../shared.mjs'

const { createFetchHandler } = load('fetch')
serveFetch(createFetchHandler(createBenchApp()))
