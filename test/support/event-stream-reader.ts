import { EventSourceParserStream, type EventSourceMessage } from 'eventsource-parser/stream';

/** An SSE response as a page reads one: fetch, then a real SSE parser, at the test's pace. */
export interface EventStreamReader {
  response: Response;
  /** The next `count` events; fewer if the stream ends first. */
  take(count: number): Promise<EventSourceMessage[]>;
  /** The events until the stream ends. */
  rest(): Promise<EventSourceMessage[]>;
  /** Disconnects, as a client that leaves. */
  leave(): void;
}

export async function readEventStream(
  url: string,
  init: RequestInit = {},
): Promise<EventStreamReader> {
  const abort = new AbortController();
  const response = await fetch(url, { ...init, signal: abort.signal });
  const events = response.body
    ?.pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream())
    .getReader();
  const take = async (count: number) => {
    const taken: EventSourceMessage[] = [];
    while (events && taken.length < count) {
      const { done, value } = await events.read();
      if (done) break;
      taken.push(value);
    }
    return taken;
  };
  return { response, take, rest: () => take(Infinity), leave: () => abort.abort() };
}
