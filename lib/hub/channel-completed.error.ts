/**
 * What `publish()` (a store's `append`) rejects with once its channel is completed: a
 * finished generation takes no more events. The channel is open again only once the
 * store forgot it (`expireAfter`).
 */
export class ChannelCompletedError extends Error {
  constructor(readonly channel: string) {
    super(`EventHub: channel "${channel}" is completed, it takes no more events`);
    this.name = 'ChannelCompletedError';
  }
}
