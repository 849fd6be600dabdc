// The native addon, through the loader that napi-rs generates at the package root.
import type { ExternalObject } from '../index.js'
import type { HandleArgs, HandleResult } from './generated/boundary.js'

import { loadBinding } from './native-binding.js'

export type { ScheduleEvent } from '../index.js'

// Each export a function of the addon, loaded once (with a clear error where there is none).
export const {
  addEntry,
  apiKeyHeader,
  channelConnect,
  channelMessage,
  channelSessionRequired,
  check,
  checkMetadata,
  createEngine,
  createScheduler,
  handlerFor,
  invoke,
  maxBodyBytes,
  middlewareScopes,
  ownerFor,
  requestId,
  schedulerBegin,
  schedulerFinish,
  schedulerList,
  schedulerStart,
  schedulerStop,
  scheduleNext,
  serverClose,
  serverListen,
  serverPort,
  serverRespond,
  serverSend,
  serverTake,
  sessionCookie,
  sessionRequired,
} = loadBinding()

/**
 * `handle` as index.d.ts declares it (`handlerFor`'s `ts_return_type` in src/lib.rs), checked
 * here against the arguments generated from `HANDLE_ARGS` (crates/pikku-engine/src/boundary.rs):
 * this does not compile when the two differ.
 */
export type Handle = ReturnType<typeof handlerFor>
export type HandleMatchesBoundary = [Expect<Same<Parameters<Handle>, HandleArgs>>, Expect<Same<ReturnType<Handle>, HandleResult>>]

/** Whether `A` and `B` are the same type. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
type Expect<T extends true> = T

/** The engine, as the opaque handle the addon gives out. */
export type EngineHandle = ExternalObject<'PikkuEngine'>

/** A standalone server, as the opaque handle the addon gives out. */
export type ServerHandle = ExternalObject<'PikkuServer'>

/** A scheduler, as the opaque handle the addon gives out. */
export type SchedulerHandle = ExternalObject<'PikkuScheduler'>
