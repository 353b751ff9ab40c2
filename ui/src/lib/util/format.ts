// Dates, sizes and durations as reviewers read them: zh-CN conventions (2026年11月21日 14:05) by
// default, English on request. Times are shown in the machine's local time zone.
import type { U64 } from '../backend';
import type { Locale } from '../i18n/index.svelte';

const pad = (n: number) => String(n).padStart(2, '0');

const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function hm(d: Date): string {
  return `${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** `2026年11月21日` / `Nov 21, 2026`. */
export function formatDate(ms: number, locale: Locale): string {
  const d = new Date(ms);
  return locale === 'zh-CN'
    ? `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日`
    : `${EN_MONTHS[d.getMonth()]} ${d.getDate()}, ${d.getFullYear()}`;
}

/** `2026年11月21日 14:05` / `Nov 21, 2026 14:05`. */
export function formatDateTime(ms: number, locale: Locale): string {
  return `${formatDate(ms, locale)} ${hm(new Date(ms))}`;
}

/** `14:05`. */
export function formatTime(ms: number): string {
  return hm(new Date(ms));
}

/** Local calendar day of a time, as a comparable number (yyyymmdd). */
export function dayKey(ms: number): number {
  const d = new Date(ms);
  return d.getFullYear() * 10000 + (d.getMonth() + 1) * 100 + d.getDate();
}

/**
 * A last-message time for lists: relative within today (`刚刚`, `5 分钟前`, `今天 14:05`),
 * `昨天 14:05` for yesterday, the full date and time before that.
 */
export function formatRelative(ms: number, now: number, locale: Locale): string {
  const zh = locale === 'zh-CN';
  const diff = now - ms;
  if (dayKey(ms) === dayKey(now) && diff >= 0) {
    if (diff < 60_000) return zh ? '刚刚' : 'just now';
    if (diff < 3_600_000) {
      const m = Math.floor(diff / 60_000);
      return zh ? `${m} 分钟前` : `${m} min ago`;
    }
    return zh ? `今天 ${hm(new Date(ms))}` : `Today ${hm(new Date(ms))}`;
  }
  if (dayKey(ms) === dayKey(now - 86_400_000)) {
    return zh ? `昨天 ${hm(new Date(ms))}` : `Yesterday ${hm(new Date(ms))}`;
  }
  return formatDateTime(ms, locale);
}

/** A time separator in the conversation: the time alone today, the date and time otherwise. */
export function formatSeparator(ms: number, now: number, locale: Locale): string {
  if (dayKey(ms) === dayKey(now)) return hm(new Date(ms));
  return formatRelative(ms, now, locale);
}

/** `2.3 MB`, `48 KB`, `512 B`. */
export function formatBytes(size: U64 | null | undefined): string {
  if (size == null || size === '') return '—';
  const bytes = Number(size);
  if (!Number.isFinite(bytes)) return String(size);
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** `1:05`, `12"` style durations from seconds: `m:ss`. */
export function formatDuration(length: U64 | null | undefined): string {
  if (length == null || length === '') return '—';
  const seconds = Number(length);
  if (!Number.isFinite(seconds)) return String(length);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  return h ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** Amount in fen (分) as yuan: `¥88.88`. */
export function formatYuan(amount: U64): string {
  const fen = Number(amount);
  return Number.isFinite(fen) ? `¥${(fen / 100).toFixed(2)}` : `${String(amount)} 分`;
}

/** Value for an `<input type="date">` (local day). */
export function dateInputValue(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** Start of the local day an `<input type="date">` value names. */
export function parseDateInput(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return null;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])).getTime();
}
