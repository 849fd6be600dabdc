// The public surface of @pikku/native. Adapters live in their own entry points:
// '@pikku/native/express', '/node-http', '/fetch', '/next'.

export { createApp, PikkuApp, type AppOptions, type CallOptions, type EntryOptions, type RouteHandlerOptions } from './app.js'
export { addRoute, wireHTTP, type RouteWiring } from './wiring.js'
export { pikkuListFunc, pikkuSessionlessListFunc, type ListInput, type ListPage, type ListPaging } from './list.js'
export { defineHTTPRoutes, wireHTTPRoutes, type HTTPRouteGroup } from './route-groups.js'
export { wireMCPPrompt, wireMCPResource, type MCPPromptMessage, type MCPPromptWiring, type MCPResourceWiring } from './mcp/wiring.js'
export { MOST_RPC_DEPTH, type RPCFunctions, type RPCInvoker, type RPCName } from './rpc.js'
export { uploadedFiles, type UploadedFile, type UploadOptions } from './http/upload.js'
export { eventStream, StreamClosedError, type EventStream, type EventOptions, type EventStreamOptions } from './http/event-stream.js'
export { safePath } from './safe-path.js'
export { linkFunctions, type FunctionLinks } from './function-links.js'
export { PikkuStartupError, STARTUP_CODES, type StartupCode, type StartupProblem } from './startup-error.js'
export { addScheduledTask, wireScheduler, type ScheduledTaskWiring, type ScheduledFunction } from './scheduler/wiring.js'
export { createScheduler, PikkuScheduler, type SchedulerOptions, type ScheduledTaskStatus, type RunNowResult } from './scheduler/scheduler.js'
export {
  addQueueWorker,
  wireQueueWorker,
  type PikkuQueueMap,
  type QueueName,
  type QueueData,
  type QueueFunction,
  type QueueWorker,
  type QueueWorkerConfig,
  type QueueWorkerData,
} from './queue/wiring.js'
export { createQueues, Queues, type QueuesOptions, type EnqueueOptions } from './queue/workers.js'
export { MemoryQueueBackend, type MemoryQueueOptions } from './queue/memory.js'
export {
  backoffDelay,
  describeFailure,
  type QueueBackend,
  type QueueJob,
  type FailedJob,
  type JobOptions,
  type JobHandler,
  type ProcessOptions,
  type BackoffOptions,
} from './queue/backend.js'
export { addHTTPMiddleware, type PikkuMiddleware, type MiddlewareContext } from './middleware.js'
export { cors, type CorsOptions } from './cors.js'
export { addChannel, wireChannel, type ChannelWiring, type ChannelHandler } from './channel/wiring.js'
export { attachChannels, type ChannelServer, type ChannelServerOptions } from './channel/server.js'
export type { ChannelPolicy, OpenChannels } from './channel/host.js'
export type { ChannelBroker } from './channel/broker.js'
export type { CloseOptions } from './close-options.js'
export type { Permission, Permissions } from './permissions.js'
export {
  pikkuFunc,
  pikkuSessionlessFunc,
  type JSONSchema,
  type StandardJSONSchema,
  type FunctionConfig,
} from './functions.js'
export type {
  PikkuTypes,
  Services,
  FrameworkServices,
  Session,
  CoreSession,
  APIFunction,
  APIFunctionSessionless,
  AnyAPIFunction,
  InputOf,
  OutputOf,
  InvocationContext,
  QueueJobContext,
  ScheduledTaskContext,
  Logger,
  HttpRequestInfo,
  HttpResponseControl,
  UserSessionService,
  PikkuChannel,
  RequestHeaders,
  SessionServices,
} from './types.js'
export {
  PikkuError,
  addError,
  type ErrorDetails,
  BadRequestError,
  UnauthorizedError,
  MissingSessionError,
  InvalidSessionError,
  PaymentRequiredError,
  ForbiddenError,
  NotFoundError,
  MethodNotAllowedError,
  NotAcceptableError,
  RequestTimeoutError,
  ConflictError,
  GoneError,
  LengthRequiredError,
  PreconditionFailedError,
  PayloadTooLargeError,
  URITooLongError,
  UnsupportedMediaTypeError,
  UnprocessableContentError,
  LockedError,
  TooManyRequestsError,
  InternalServerError,
  NotImplementedError,
  BadGatewayError,
  ServiceUnavailableError,
  GatewayTimeoutError,
} from './errors.js'
export type { ChannelConfig, ErrorBody, MetadataFile, FunctionMeta, HttpWiringMeta, HttpMethod, SessionConfig, JwtConfig, SignedCookieConfig, ApiKeyConfig, ApiKeyEntry, CookieAttributes } from './generated/contract.js'
