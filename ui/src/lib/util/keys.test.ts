import { afterEach, describe, expect, it, vi } from 'vitest';

import { hasMod, modLabel } from './keys';

const key = (init: KeyboardEventInit) => new KeyboardEvent('keydown', { key: 'f', ...init });

describe('platform shortcuts', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('use Cmd on macOS', () => {
    vi.stubGlobal('navigator', { platform: 'MacIntel' });
    expect(hasMod(key({ metaKey: true }))).toBe(true);
    expect(hasMod(key({ ctrlKey: true }))).toBe(false);
    expect(modLabel()).toBe('⌘');
  });

  it('use Ctrl on Windows and Linux', () => {
    for (const platform of ['Win32', 'Linux x86_64']) {
      vi.stubGlobal('navigator', { platform });
      expect(hasMod(key({ ctrlKey: true }))).toBe(true);
      expect(hasMod(key({ metaKey: true }))).toBe(false);
      expect(modLabel()).toBe('Ctrl+');
    }
  });
});
