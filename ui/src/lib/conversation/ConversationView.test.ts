import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { PageRequest, Participant } from '../backend';
import { i18n } from '../i18n/index.svelte';
import { fakeBackend, LONG, SHOWCASE } from '../../test/fake-backend';
import { renderWith } from '../../test/render';
import ConversationView from './ConversationView.svelte';
import { PAGE } from './window';

const PEOPLE: Participant[] = [
  { id: 'zhangwei', name: '张伟', kind: 'employee', corp_name: null },
  { id: 'wmCUST1', name: '王女士', kind: 'customer', corp_name: null },
  { id: 'wmCUST2', name: '陈先生', kind: 'customer', corp_name: null },
];

beforeEach(() => i18n.setLocale('zh-CN'));

function pages(backend: ReturnType<typeof fakeBackend>): PageRequest[] {
  const seen: PageRequest[] = [];
  const original = backend.conversationPage;
  backend.conversationPage = (request) => {
    seen.push(request);
    return original(request);
  };
  return seen;
}

describe('ConversationView on the showcase conversation', () => {
  async function open() {
    const backend = fakeBackend();
    const view = renderWith(ConversationView, { conversation: SHOWCASE, participants: PEOPLE, selfId: 'zhangwei' }, backend);
    await screen.findAllByTestId('message');
    return view;
  }

  /** The showcase is taller than the viewport: scroll to its start to draw the first rows. */
  async function scrollToStart() {
    const flow = screen.getByTestId('conversation-flow');
    flow.scrollTop = 0;
    await fireEvent.scroll(flow);
  }

  it('draws the employee on the right and the customer on the left, with names and avatars', async () => {
    const { container } = await open();
    const text = container.querySelector('[data-msgtype="text"][data-side="left"]');
    expect(text).toHaveTextContent('王女士');
    expect(text).toHaveTextContent('@微信');
    const mine = [...container.querySelectorAll('[data-testid="message"][data-side="right"]')];
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((m) => m.textContent!.includes('张伟'))).toBe(true);
    expect(container.querySelectorAll('.avatar').length).toBeGreaterThan(0);
  });

  it('shows a recalled message with its content, marked, and the recall as a system line with the original', async () => {
    const { container } = await open();
    expect(container.querySelector('[data-msgid="show-recalled"]')).toBeNull(); // virtualised away
    await scrollToStart();
    const recalled = container.querySelector('[data-msgid="show-recalled"]')!;
    expect(recalled).toHaveTextContent('加我私人微信 zw_13800138000 详聊');
    expect(recalled.querySelector('[data-testid="recalled-mark"]')).toHaveTextContent(/已撤回 · \d\d:\d\d/);
    const line = container.querySelector('[data-testid="system-line"][data-msgtype="revoke"]')!;
    expect(line).toHaveTextContent('张伟 撤回了一条消息');
    expect(line.querySelector('[data-testid="revoked-original"]')).toHaveTextContent('加我私人微信 zw_13800138000 详聊');
  });

  it('shows deletions and consent as system lines, and time separators between days', async () => {
    const { container } = await open();
    const lines = () => [...container.querySelectorAll('[data-testid="system-line"]')].map((l) => l.textContent);
    expect(lines().some((l) => l!.includes('客户 王女士 删除了 张伟'))).toBe(true);
    await scrollToStart();
    expect(lines().some((l) => l!.includes('同意存档'))).toBe(true);
    const separators = [...container.querySelectorAll('[data-testid="time-separator"]')].map((s) => s.textContent);
    expect(separators.length).toBeGreaterThanOrEqual(2);
    expect(separators.some((s) => /\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d|昨天|今天/.test(s!))).toBe(true);
  });

  it('renders the hostile message as text', async () => {
    const { container } = await open();
    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toContain('<img src=x onerror=alert(1)>');
  });
});

describe('ConversationView on a long conversation', () => {
  afterEach(() => i18n.setLocale('zh-CN'));

  it('asks for one page around the latest message and draws only rows near the viewport', async () => {
    const backend = fakeBackend({}, { longCount: 100_000 });
    const seen = pages(backend);
    const { container } = renderWith(ConversationView, { conversation: LONG, participants: PEOPLE, selfId: 'zhangwei' }, backend);
    await screen.findAllByTestId('message');
    expect(seen[0]).toEqual({ conversation: LONG, anchor: { kind: 'latest' }, limit: PAGE });
    const rows = container.querySelectorAll('[data-testid="message"]');
    // The viewport (720 px assumed under jsdom) plus overscan, not the page, let alone 100k.
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(PAGE);
    // The newest message is drawn: the view opens at the bottom.
    expect(container.querySelector('[data-msgid="long-0099999"]')).not.toBeNull();
  });

  it('loads older messages when scrolled to the top and keeps the message on screen where it was', async () => {
    const backend = fakeBackend({}, { longCount: 100_000 });
    const seen = pages(backend);
    const { container } = renderWith(ConversationView, { conversation: LONG, participants: PEOPLE, selfId: 'zhangwei' }, backend);
    await screen.findAllByTestId('message');
    const flow = screen.getByTestId('conversation-flow');

    // Scroll to a row near the top of the first page.
    flow.scrollTop = 0;
    await fireEvent.scroll(flow);
    await waitFor(() => expect(seen.some((r) => r.anchor.kind === 'before')).toBe(true));
    const before = seen.find((r) => r.anchor.kind === 'before')!;
    expect(before.anchor).toEqual({ kind: 'before', cursor: { time: expect.any(Number), id: 'long-0099900' } });
    // The row that was at the top (the first of the first page) is still in view after the prepend.
    await waitFor(() => expect(container.querySelector('[data-msgid="long-0099900"]')).not.toBeNull());
    expect(flow.scrollTop).toBeGreaterThanOrEqual(PAGE * 64 - 1);
  });

  it('jumps to a date: the page around it, the first message of that day highlighted', async () => {
    const backend = fakeBackend({}, { longCount: 100_000 });
    const seen = pages(backend);
    let view!: { jumpTo(time: number): void };
    const { component, container } = renderWith(ConversationView, { conversation: LONG, participants: PEOPLE, selfId: 'zhangwei' }, backend);
    view = component as unknown as typeof view;
    await screen.findAllByTestId('message');
    // Message i is at BASE_TIME - (100000 - i) * 97 s; pick the time of message 50000.
    const target = Date.UTC(2026, 10, 21, 1, 0) - 50_000 * 97_000;
    view.jumpTo(target);
    await waitFor(() => expect(container.querySelector('[data-key="m:long-0050000"]')).not.toBeNull());
    expect(seen.at(-1)).toEqual({ conversation: LONG, anchor: { kind: 'at', time: target }, limit: PAGE });
    expect(container.querySelector('[data-key="m:long-0050000"]')).toHaveClass('highlight');
  });

  it('opens at a message in its context ("view in context"), highlighted', async () => {
    const backend = fakeBackend({}, { longCount: 100_000 });
    const seen = pages(backend);
    const { container } = renderWith(
      ConversationView,
      { conversation: LONG, participants: PEOPLE, selfId: 'zhangwei', focus: 'long-0012345' },
      backend,
    );
    await waitFor(() => expect(container.querySelector('[data-key="m:long-0012345"]')).not.toBeNull());
    expect(seen[0]).toEqual({ conversation: LONG, anchor: { kind: 'message', msgid: 'long-0012345' }, limit: PAGE });
    expect(container.querySelector('[data-key="m:long-0012345"]')).toHaveClass('highlight');
    expect(container.querySelector('[data-msgid="long-0099999"]')).toBeNull();
  });
});
