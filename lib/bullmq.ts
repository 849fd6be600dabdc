// The `@pikku/native/bullmq` entry: queues and scheduled tasks on BullMQ (Redis or PostgreSQL).
export { BullMQBackend, type BullMQBackendOptions } from './queue/bullmq.js'
export type { BullMQConnection } from './queue/bullmq-connection.js'
export { BullMQScheduler, type BullMQScheduledTask, type BullMQSchedulerOptions } from './scheduler/bullmq.js'
