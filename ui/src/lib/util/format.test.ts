import { describe, expect, it } from 'vitest';

import { initials } from './avatar';
import { formatBytes, formatDateTime, formatDuration, formatRelative, formatYuan, parseDateInput } from './format';

// Local times, whatever the machine's zone: built with the local-time Date constructor.
const at = (y: number, mo: number, d: number, h: number, mi: number) => new Date(y, mo - 1, d, h, mi).getTime();

describe('format', () => {
  it('writes dates the zh-CN way and the English way', () => {
    expect(formatDateTime(at(2026, 11, 21, 14, 5), 'zh-CN')).toBe('2026年11月21日 14:05');
    expect(formatDateTime(at(2026, 11, 21, 14, 5), 'en')).toBe('Nov 21, 2026 14:05');
  });

  it('is relative within today, says yesterday, and dates older times', () => {
    const now = at(2026, 11, 21, 15, 0);
    expect(formatRelative(now - 20_000, now, 'zh-CN')).toBe('刚刚');
    expect(formatRelative(now - 5 * 60_000, now, 'zh-CN')).toBe('5 分钟前');
    expect(formatRelative(at(2026, 11, 21, 9, 7), now, 'zh-CN')).toBe('今天 09:07');
    expect(formatRelative(at(2026, 11, 20, 23, 59), now, 'zh-CN')).toBe('昨天 23:59');
    expect(formatRelative(at(2026, 11, 19, 8, 0), now, 'zh-CN')).toBe('2026年11月19日 08:00');
    expect(formatRelative(at(2026, 11, 21, 9, 7), now, 'en')).toBe('Today 09:07');
  });

  it('writes sizes, durations and amounts', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(48_213)).toBe('47 KB');
    expect(formatBytes(2_411_724)).toBe('2.3 MB');
    expect(formatBytes(undefined)).toBe('—');
    expect(formatDuration(65)).toBe('1:05');
    expect(formatDuration(3725)).toBe('1:02:05');
    expect(formatYuan(8888)).toBe('¥88.88');
  });

  it('reads a date input as the start of that local day', () => {
    expect(parseDateInput('2026-11-21')).toBe(at(2026, 11, 21, 0, 0));
    expect(parseDateInput('21/11/2026')).toBeNull();
  });
});

describe('initials', () => {
  it('takes the last two characters of a Chinese name and the initials of a Latin one', () => {
    expect(initials('张伟')).toBe('张伟');
    expect(initials('欧阳娜娜')).toBe('娜娜');
    expect(initials('Li Na')).toBe('LN');
    expect(initials('bob')).toBe('BO');
    expect(initials('  ')).toBe('?');
  });
});
