import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { BackendError } from '../backend';
import { beforeEach, describe, expect, it } from 'vitest';

import type { ConversationEntry, SessionInfo } from '../backend';
import type { OpenConversation } from '../browse/types';
import { i18n } from '../i18n/index.svelte';
import { BASE_TIME, fakeBackend, SHOWCASE, type Source } from '../../test/fake-backend';
import { renderWith } from '../../test/render';
import ConversationPane from './ConversationPane.svelte';
import { highlightHits } from './highlight.svelte';

const EMOJI = 's:wmEMOJI|zhangwei';
/** Two emoji (two UTF-16 units each) before the word: a UTF-16 index would land 2 characters off. */
const TEXT = '😀😀 这款产品保本吗';

function source(): Source {
  const entries: ConversationEntry[] = [
    {
      entry: 'message',
      message: { msgid: 'emoji-1', action: 'send', from: 'wmEMOJI', tolist: ['zhangwei'], msgtime: BASE_TIME, content: { msgtype: 'text', content: TEXT } },
      cursor: { time: BASE_TIME, id: '1' },
      sender: null,
      recalled_at: null,
      original: null,
    },
  ];
  return { count: 1, messages: 1, at: (i) => entries[i]! };
}

const open = (conversation: string): OpenConversation => ({
  partner: { conversation, kind: 'customer', id: 'x', name: '对话', corp_name: null, dismissed: false, last_msgtime: null, messages: 1, hits: 1 },
  selfId: 'zhangwei',
  readOnly: false,
});

const session = (role: SessionInfo['role']): SessionInfo => ({
  profile: { id: 'p', name: 'p', server_url: '', user: 'li', key_source: 'os_keyring', last_opened_at: null },
  role,
});

beforeEach(() => {
  localStorage.clear();
  highlightHits.reload();
  i18n.setLocale('zh-CN');
});

describe('高亮敏感内容', () => {
  it('marks a hit at its scalar-value span, after emoji, with the rule on hover', async () => {
    const backend = fakeBackend({}, { session: session('reviewer') });
    backend.addConversation(EMOJI, source());
    renderWith(ConversationPane, { open: open(EMOJI) }, backend);
    const mark = await screen.findByTestId('hit-mark');
    expect(mark).toHaveTextContent(/^保本$/);
    expect(mark.title).toContain('承诺收益');
    expect(mark.title).toContain('敏感词');
    expect(mark.title).toContain('高风险');
    // The whole text is still there, in order, as text.
    expect(screen.getByTestId('message').querySelector('.message-text')).toHaveTextContent(TEXT);
    // A third of the message text is not a mark: only the hit is.
    expect(screen.getAllByTestId('hit-mark')).toHaveLength(1);
  });

  it('turns off and on, and remembers the choice', async () => {
    const backend = fakeBackend({}, { session: session('reviewer') });
    backend.addConversation(EMOJI, source());
    const view = renderWith(ConversationPane, { open: open(EMOJI) }, backend);
    await screen.findByTestId('hit-mark');
    const toggle = screen.getByTestId('highlight-toggle') as HTMLInputElement;
    expect(toggle.checked).toBe(true);
    await fireEvent.click(toggle);
    await waitFor(() => expect(screen.queryByTestId('hit-mark')).toBeNull());
    expect(screen.getByTestId('message')).toHaveTextContent(TEXT);
    view.unmount();
    highlightHits.reload();
    renderWith(ConversationPane, { open: open(EMOJI) }, backend);
    await screen.findAllByTestId('message');
    expect((screen.getAllByTestId('highlight-toggle').at(-1) as HTMLInputElement).checked).toBe(false);
    expect(screen.queryByTestId('hit-mark')).toBeNull();
  });

  it('shows behaviour hits as badges on the message', async () => {
    const backend = fakeBackend({}, { session: session('reviewer') });
    renderWith(ConversationPane, { open: open(SHOWCASE) }, backend);
    const flow = await screen.findByTestId('conversation-flow');
    await screen.findAllByTestId('message');
    // The recalled message handed out a phone number.
    flow.scrollTop = 0;
    await fireEvent.scroll(flow);
    const recalled = await waitFor(() => {
      const el = flow.querySelector<HTMLElement>('[data-msgid="show-recalled"]');
      if (!el) throw new Error('not drawn yet');
      return el;
    });
    const badge = within(recalled).getByTestId('hit-badge');
    expect(badge.dataset.kind).toBe('phone');
    expect(badge).toHaveTextContent('手机号 13800138000');
    expect(within(recalled).getByTestId('hit-mark')).toHaveTextContent('私人微信');
  });
});

describe('annotate controls', () => {
  it('an auditor sees no annotate button', async () => {
    const backend = fakeBackend({}, { session: session('auditor') });
    backend.addConversation(EMOJI, source());
    renderWith(ConversationPane, { open: open(EMOJI) }, backend);
    await screen.findByTestId('hit-mark');
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId('annotate-message')).toBeNull();
    await fireEvent.click(screen.getByTestId('notes-toggle'));
    expect(await screen.findByText('审计员只能查看批注')).toBeInTheDocument();
    expect(screen.queryByTestId('annotate-conversation')).toBeNull();
  });

  it('a reviewer annotates a message with a verdict; it shows in the panel, pending', async () => {
    const backend = fakeBackend({}, { session: session('reviewer') });
    backend.addConversation(EMOJI, source());
    renderWith(ConversationPane, { open: open(EMOJI) }, backend);
    await fireEvent.click(await screen.findByTestId('annotate-message'));
    const editor = await screen.findByTestId('annotation-editor');
    await fireEvent.input(within(editor).getByTestId('annotation-comment'), { target: { value: '承诺保本' } });
    await fireEvent.input(within(editor).getByTestId('annotation-tags'), { target: { value: '收益, 复核，收益' } });
    await fireEvent.click(within(editor).getByTestId('verdict-confirmed_violation'));
    await fireEvent.click(within(editor).getByTestId('annotation-save'));
    const item = await screen.findByTestId('annotation-item');
    expect(item).toHaveTextContent('确认违规');
    expect(item).toHaveTextContent('承诺保本');
    expect(within(item).getByTestId('pending-mark')).toBeInTheDocument();
    const saved = backend.calls.find(([name]) => name === 'saveAnnotation')![1][0];
    expect(saved).toEqual({
      id: null,
      target: { kind: 'message', conversation: EMOJI, msgid: 'emoji-1', span: null },
      comment: '承诺保本',
      tags: ['收益', '复核'],
      verdict: 'confirmed_violation',
    });
  });

  it('a selected span (after emoji) becomes the annotation target in scalar values', async () => {
    const backend = fakeBackend({}, { session: session('reviewer') });
    backend.addConversation(EMOJI, source());
    renderWith(ConversationPane, { open: open(EMOJI) }, backend);
    const button = await screen.findByTestId('annotate-message');
    // Select 「产品保本」: it starts in the plain run and ends inside the hit's mark.
    const text = screen.getByTestId('message').querySelector('.message-text')!;
    const plain = [...text.querySelectorAll('[data-at]')].find((el) => el.textContent!.includes('产品'))!;
    const textIn = (el: Element, needle: string) => {
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) if ((n as Text).data.includes(needle)) return n as Text;
      throw new Error(`no text node with ${needle}`);
    };
    const node = textIn(plain, '产品');
    const mark = textIn(screen.getByTestId('hit-mark'), '保本');
    const range = document.createRange();
    range.setStart(node, node.data.indexOf('产品'));
    range.setEnd(mark, mark.data.indexOf('保本') + 2);
    getSelection()!.removeAllRanges();
    getSelection()!.addRange(range);
    await fireEvent.click(button);
    expect(await screen.findByTestId('annotation-editor')).toHaveTextContent('批注选中文字「产品保本」');
    await fireEvent.click(screen.getByTestId('annotation-save'));
    await screen.findByTestId('annotation-item');
    const saved = backend.calls.find(([name]) => name === 'saveAnnotation')![1][0] as { target: { span: unknown } };
    // 😀😀 这款产品保本吗: 产 is the 6th scalar value (index 5), 本 the 9th.
    expect(saved.target.span).toEqual({ start: 5, end: 9 });
  });

  it('a on the flow annotates the message opened in context', async () => {
    const backend = fakeBackend({}, { session: session('reviewer') });
    renderWith(ConversationPane, { open: { ...open(SHOWCASE), focus: 'show-002' } }, backend);
    const flow = await screen.findByTestId('conversation-flow');
    await waitFor(() => expect(flow.querySelector('[data-msgid="show-002"]')).not.toBeNull());
    // The role is known: the annotate buttons are drawn.
    await waitFor(() => expect(screen.getAllByTestId('annotate-message').length).toBeGreaterThan(0));
    flow.focus();
    await fireEvent.keyDown(flow, { key: 'a' });
    const editor = await screen.findByTestId('annotation-editor');
    expect(editor).toHaveTextContent('批注这条消息');
    await fireEvent.click(within(editor).getByTestId('annotation-save'));
    await screen.findByTestId('annotation-item');
    const saved = backend.calls.find(([name]) => name === 'saveAnnotation')![1][0] as { target: { msgid: string } };
    expect(saved.target.msgid).toBe('show-002');
  });

  it('shows the backend refusal (forbidden) in the editor', async () => {
    const backend = fakeBackend(
      { saveAnnotation: () => Promise.reject(new BackendError('forbidden', 'auditors cannot annotate')) },
      { session: session('reviewer') },
    );
    backend.addConversation(EMOJI, source());
    renderWith(ConversationPane, { open: open(EMOJI) }, backend);
    await fireEvent.click(await screen.findByTestId('annotate-message'));
    await fireEvent.click(screen.getByTestId('annotation-save'));
    const alert = await within(screen.getByTestId('annotation-editor')).findByRole('alert');
    expect(alert).toHaveTextContent('auditors cannot annotate');
    expect(screen.queryByTestId('annotation-item')).toBeNull();
  });
});

describe('read marks', () => {
  it('records the newest message shown as read', async () => {
    const backend = fakeBackend({}, { session: session('reviewer') });
    backend.addConversation(EMOJI, source());
    renderWith(ConversationPane, { open: open(EMOJI) }, backend);
    await screen.findByTestId('hit-mark');
    await waitFor(() => expect(backend.calls.filter(([n]) => n === 'markRead')).toHaveLength(1));
    expect(backend.calls.find(([n]) => n === 'markRead')![1]).toEqual([EMOJI, { msgtime: BASE_TIME, id: 1 }]);
  });
});
