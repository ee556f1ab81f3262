import { createHash } from 'node:crypto';
import type { StoredEvent } from './event-store.interface.js';

// How an event is kept as a Redis stream entry, and the script that appends one.

// An entry that is the channel's completion has this field first (an event's first
// field is one of event, comment, raw, data).
export const COMPLETED_FIELD = 'completed';
export const COMPLETED_REPLY = 'CHANNEL_COMPLETED';

// Appends one entry unless the stream ends with its completion, in one step, so that no
// event can follow a completion that another instance appended concurrently.
// KEYS[1]: the stream. ARGV: MAXLEN, PEXPIRE ms ('' for none), '1' if the entry is the
// completion (which, on a completed stream, answers the completion's id), the fields.
export const APPEND_SCRIPT = `
local last = redis.call('XREVRANGE', KEYS[1], '+', '-', 'COUNT', 1)[1]
if last and last[2][1] == '${COMPLETED_FIELD}' then
  if ARGV[3] == '1' then return last[1] end
  return redis.error_reply('${COMPLETED_REPLY}')
end
local id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(ARGV, 4))
if ARGV[2] ~= '' then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return id
`;
export const APPEND_SCRIPT_SHA = createHash('sha1').update(APPEND_SCRIPT).digest('hex');

/** The fields of an event's entry: its SSE fields, `data` as JSON. */
export function toEntryFields(event: Omit<StoredEvent, 'id' | 'completed'>): string[] {
  const fields: string[] = [];
  if (event.event !== undefined) fields.push('event', event.event);
  if (event.comment !== undefined) fields.push('comment', event.comment);
  if (event.rawData !== undefined) fields.push('raw', event.rawData);
  else fields.push('data', JSON.stringify(event.data ?? null));
  return fields;
}

export function toStoredEvent([id, fields]: [string, string[]]): StoredEvent {
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
