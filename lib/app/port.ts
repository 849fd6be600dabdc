// What adapters, channels, the scheduler and the queues reach of an app, and users do not:
// kept beside the app rather than on it, and not exported from the package's root.

import type { ChannelRuntime } from '../channel/runtime.js'
import type { HttpPipeline } from '../http/pipeline.js'
import type { BuiltApp } from './build.js'
import type { InProcess } from './in-process.js'

/** The inner parts of one app. */
export interface AppPort {
  built: BuiltApp
  http: HttpPipeline
  channels: ChannelRuntime
  calls: InProcess
}

// Keyed by the app object (a `PikkuApp`); typed loosely so that this file needs nothing of app.ts.
const ports = new WeakMap<object, AppPort>()

/** Records the parts of a new app (its constructor calls this). */
export function setPort(app: object, port: AppPort): void {
  ports.set(app, port)
}

/** The parts of `app`; a value that is not an app made by `createApp` is a TypeError. */
export function portOf(app: object): AppPort {
  const port = ports.get(app)
  if (!port) throw new TypeError('expected an app made by createApp()')
  return port
}
