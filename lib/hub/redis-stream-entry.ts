import type { StoredEvent } from './event-store.interface.js';

// How an event is kept as a Redis stream entry.

// An entry that is the channel's completion has this field first (an event's first
// field is one of event, comment, raw, data).
export const COMPLETED_FIELD = 'completed';

/** A stream entry as Redis gives it: its id, then field names and values. */
export type StreamEntry = [id: string, fields: string[]];

/** The fields of an event's entry: its SSE fields, `data` as JSON. */
export function toEntryFields(event: Omit<StoredEvent, 'id' | 'completed'>): string[] {
  const fields: string[] = [];
  if (event.event !== undefined) fields.push('event', event.event);
  if (event.comment !== undefined) fields.push('comment', event.comment);
  if (event.rawData !== undefined) fields.push('raw', event.rawData);
  else fields.push('data', JSON.stringify(event.data ?? null));
  return fields;
}

export function toStoredEvent([id, fields]: StreamEntry): StoredEvent {
  const event: StoredEvent = { id };
  for (let i = 0; i < fields.length; i += 2) {
    const value = fields[i + 1];
    switch (fields[i]) {
      case 'event':
        event.event = value;
        break;
      case 'comment':
        event.comment = value;
        break;
      case 'raw':
        event.rawData = value;
        break;
      case 'data':
        event.data = JSON.parse(value);
        break;
      case COMPLETED_FIELD:
        event.completed = true;
        break;
    }
  }
  return event;
}
