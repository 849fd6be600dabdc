/**
 * Carries channel broadcasts between the processes of an app, so that `publish(topic, data)`
 * reaches the topic's subscribers on every instance. Given to `attachChannels` or `listen`
 * as `channels.broker`; without one, broadcasts stay in the process.
 */
export interface ChannelBroker {
  /**
   * Sends a broadcast to the other processes: `text` (JSON) for the subscribers of `topic`
   * on channel `channel`. It must not throw (a failure is the broker's to log).
   */
  publish(channel: string, topic: string, text: string): void
  /**
   * Starts delivering the broadcasts of other processes to `deliver` (never this process's
   * own). Resolves once subscribed.
   */
  subscribe(deliver: (channel: string, topic: string, text: string) => void): Promise<void>
  /** Stops delivering and releases the connections. */
  close(): Promise<void>
}
