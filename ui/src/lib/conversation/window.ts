// The loaded window of a conversation: pages fetched around an anchor, older pages prepended,
// newer ones appended, and the far end trimmed so memory stays bounded however far one scrolls.
import type { ConversationEntry, Cursor } from '../backend';

export const PAGE = 100;
/** At most this many entries are held; beyond it the end away from the reader is dropped. */
export const MAX_LOADED = 1200;

export function entryKey(entry: ConversationEntry): string {
  return entry.entry === 'message' ? `m:${entry.message.msgid}` : `s:${entry.id}`;
}

export function entryTime(entry: ConversationEntry): number {
  return entry.entry === 'message' ? entry.message.msgtime : entry.time;
}

export function cursorOf(entry: ConversationEntry): Cursor {
  return entry.entry === 'message' ? entry.cursor : { time: entry.time, id: entry.id };
}
