// The `@pikku/native/lambda` entry: handlers for AWS Lambda — HTTP (API Gateway REST and HTTP
// APIs, Application Load Balancer), SQS queue workers and EventBridge schedules.
export { createHttpHandler, type LambdaHttpOptions } from './adapters/lambda/http.js'
export type { AlbEvent, ApiGatewayV1Event, ApiGatewayV2Event, HttpEvent, HttpResult } from './adapters/lambda/http-events.js'
export { createSqsHandler, type LambdaSqsOptions, type SqsBatchResponse, type SqsEvent, type SqsRecord } from './adapters/lambda/sqs.js'
export { createScheduledHandler, type LambdaScheduleOptions, type ScheduledEvent } from './adapters/lambda/schedule.js'
