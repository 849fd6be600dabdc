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
  handle,
  invoke,
  maxBodyBytes,
  owns,
  requestId,
  sessionCookie,
} from '../index.js'

/** The engine, as the opaque handle the addon gives out. */
export type EngineHandle = ExternalObject<'PikkuEngine'>
