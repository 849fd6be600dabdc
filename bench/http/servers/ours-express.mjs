// Ours through the Express adapter: Express 5 with pikkuExpress(app) as its only middleware.
import { createServer } from 'node:http'

import express from 'express'

import { createBenchApp, load } from '../ours.mjs'
import { listen } from '../shared.mjs'

const { pikkuExpress } = load('express')
const server = express()
server.disable('x-powered-by')
server.use(pikkuExpress(createBenchApp()))
listen(createServer(server))
