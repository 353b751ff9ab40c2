import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';

import type { SessionInfo } from '../backend';
import { paneWidths } from '../browse/layout.svelte';
import { highlightHits } from '../conversation/highlight.svelte';
import { i18n } from '../i18n/index.svelte';
import { fakeBackend } from '../../test/fake-backend';
import { renderWith } from '../../test/render';
import { pageForKey } from './pages';
import Workspace from './Workspace.svelte';

const session: SessionInfo = {
  profile: { id: 'p', name: 'p', server_url: '', user: 'li', key_source: 'os_keyring', last_opened_at: null },
  role: 'reviewer',
};

beforeEach(() => {
  localStorage.clear();
  paneWidths.reload();
  highlightHits.reload();
  i18n.setLocale('zh-CN');
});

const current = () => document.querySelector('[aria-current="page"]')?.getAttribute('data-page');

describe('Workspace', () => {
  it('switches pages with Ctrl+Shift+1..5 and by click', async () => {
    renderWith(Workspace, { pollMs: 0 }, fakeBackend({}, { session, longCount: 300 }));
    expect(current()).toBe('browse');
    expect(screen.getAllByRole('button').filter((b) => b.classList.contains('page-tab')).map((b) => b.textContent)).toEqual([
      '浏览',
      '违规中心',
      '搜索',
      '批注',
      '规则',
    ]);
    await fireEvent.keyDown(window, { key: '@', code: 'Digit2', ctrlKey: true, shiftKey: true });
    expect(current()).toBe('violations');
    await fireEvent.keyDown(window, { key: '#', code: 'Digit3', ctrlKey: true, shiftKey: true });
    expect(current()).toBe('search');
    expect(screen.getByTestId('search-box')).toBeInTheDocument();
    // Ctrl+2 without Shift stays the browse panes' shortcut, not a page switch.
    await fireEvent.keyDown(window, { key: '2', code: 'Digit2', ctrlKey: true });
    expect(current()).toBe('search');
    await fireEvent.click(screen.getByRole('button', { name: '规则' }));
    expect(current()).toBe('rules');
    await fireEvent.keyDown(window, { key: '!', code: 'Digit1', ctrlKey: true, shiftKey: true });
    expect(current()).toBe('browse');
  });

  it('Enter on a hit in the violation centre opens it in context on the browse page, highlighted', async () => {
    const user = userEvent.setup();
    renderWith(Workspace, { pollMs: 0 }, fakeBackend({}, { session, longCount: 300 }));
    await fireEvent.keyDown(window, { key: '@', code: 'Digit2', ctrlKey: true, shiftKey: true });
    const rows = await screen.findAllByTestId('violation-row');
    const msgid = rows[0]!.dataset.msgid!;
    screen.getByTestId('violation-list').focus();
    await user.keyboard('{Enter}');
    expect(current()).toBe('browse');
    const message = await waitFor(() => {
      const el = document.querySelector<HTMLElement>(`[data-testid="conversation-flow"] [data-msgid="${msgid}"]`);
      if (!el) throw new Error('not drawn');
      return el;
    });
    expect(message.closest('.row')).toHaveClass('highlight');
    expect(message.querySelector('[data-testid="hit-mark"]')).not.toBeNull();
  });

  it('reads the page shortcut from the key code', () => {
    const key = (init: KeyboardEventInit) => new KeyboardEvent('keydown', init);
    expect(pageForKey(key({ code: 'Digit5', ctrlKey: true, shiftKey: true }))).toBe('rules');
    expect(pageForKey(key({ code: 'Digit6', ctrlKey: true, shiftKey: true }))).toBeNull();
    expect(pageForKey(key({ code: 'Digit1', ctrlKey: true }))).toBeNull();
  });

  it('labels the pages in English too', async () => {
    i18n.setLocale('en');
    renderWith(Workspace, { pollMs: 0 }, fakeBackend({}, { session, longCount: 300 }));
    expect([...document.querySelectorAll('.page-tab')].map((b) => b.textContent)).toEqual([
      'Browse',
      'Violations',
      'Search',
      'Annotations',
      'Rules',
    ]);
    expect(document.querySelector('.page-tab[data-page="search"]')!.getAttribute('title')).toBe('Shortcut Ctrl+Shift+3');
  });
});
