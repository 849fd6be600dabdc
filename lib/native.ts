// The native addon, through the loader that napi-rs generates at the package root.
import type { ExternalObject } from '../index.js'

export {
  addEntry,
  apiKeyHeader,
  channelConnect,
  channelMessage,
  check,
  checkMetadata,
  createEngine,
  createScheduler,
  handlerFor,
  invoke,
  maxBodyBytes,
  owns,
  requestId,
  schedulerBegin,
  schedulerFinish,
  schedulerList,
  schedulerStart,
  schedulerStop,
  serverClose,
  serverListen,
  serverPort,
  serverRespond,
  serverSend,
  serverTake,
  sessionCookie,
  type ScheduleEvent,
} from '../index.js'

/** The engine, as the opaque handle the addon gives out. */
export type EngineHandle = ExternalObject<'PikkuEngine'>

/** A standalone server, as the opaque handle the addon gives out. */
export type ServerHandle = ExternalObject<'PikkuServer'>

/** A scheduler, as the opaque handle the addon gives out. */
export type SchedulerHandle = ExternalObject<'PikkuScheduler'>
