// The `@pikku/native/postgres` entry: channel broadcasts across processes on PostgreSQL.
export { PostgresChannelBroker, type PostgresChannelBrokerOptions } from './channel/postgres-broker.js'
