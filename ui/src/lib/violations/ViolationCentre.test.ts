import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import type { AnnotationInput, SessionInfo, ViolationQuery } from '../backend';
import { i18n } from '../i18n/index.svelte';
import { fakeBackend } from '../../test/fake-backend';
import { renderWith } from '../../test/render';
import { toQuery, DEFAULT_FILTERS } from './filters';
import ViolationCentre from './ViolationCentre.svelte';

const session = (role: SessionInfo['role']): SessionInfo => ({
  profile: { id: 'p', name: 'p', server_url: '', user: 'li', key_source: 'os_keyring', last_opened_at: null },
  role,
});

beforeEach(() => i18n.setLocale('zh-CN'));

const selected = () => screen.getAllByTestId('violation-row').find((r) => r.getAttribute('aria-selected') === 'true');
const saves = (backend: ReturnType<typeof fakeBackend>) =>
  backend.calls.filter(([n]) => n === 'saveAnnotation').map(([, args]) => args[0] as AnnotationInput);

async function ready(role: SessionInfo['role'] = 'reviewer') {
  const backend = fakeBackend({}, { session: session(role) });
  const onopen = vi.fn();
  renderWith(ViolationCentre, { onopen }, backend);
  await screen.findAllByTestId('violation-row');
  // The role is known (the triage keys wait for it).
  if (role !== 'auditor') await screen.findByTestId('triage-false_positive');
  const list = screen.getByTestId('violation-list');
  list.focus();
  return { backend, onopen, list, user: userEvent.setup() };
}

describe('ViolationCentre keyboard triage', () => {
  it('starts on the unreviewed word hits, newest first', async () => {
    const { backend } = await ready();
    const query = backend.calls.find(([n]) => n === 'violations')![1][0] as ViolationQuery;
    expect(query).toMatchObject({ tab: 'words', state: 'unreviewed', sort: 'newest', offset: 0, limit: 100 });
    expect(screen.getAllByTestId('violation-row').every((r) => r.textContent!.includes('未处理'))).toBe(true);
  });

  it('2 saves 误报 on the hit under the cursor, the row leaves, the next one is current', async () => {
    const { backend, user } = await ready();
    const before = screen.getAllByTestId('violation-row');
    const countBefore = before.length;
    await user.keyboard('j');
    expect(selected()).toBe(before[1]);
    const target = before[1]!;
    const next = before[2]!;
    const summaryBefore = screen.getByTestId('violation-summary').textContent;
    await user.keyboard('2');
    await waitFor(() => expect(document.querySelector(`[data-hit-id="${target.dataset.hitId}"]`)).toBeNull());
    const [saved] = saves(backend);
    expect(saved).toMatchObject({
      id: null,
      verdict: 'false_positive',
      target: { kind: 'message', msgid: target.dataset.msgid },
    });
    expect(saved!.target.span).not.toBeNull();
    expect(saved!.target.span!.end).toBeGreaterThan(saved!.target.span!.start);
    expect(screen.getAllByTestId('violation-row')).toHaveLength(countBefore - 1);
    expect(selected()?.dataset.hitId).toBe(next.dataset.hitId);
    expect(document.activeElement).toBe(screen.getByTestId('violation-list'));
    expect(screen.getByTestId('violation-summary').textContent).not.toBe(summaryBefore);
    expect(screen.getByTestId('triage-status')).toHaveTextContent('误报');
  });

  it('1, 3, 4 give the other verdicts; c writes a comment that goes with the next verdict', async () => {
    const { backend, user } = await ready();
    await user.keyboard('1');
    await waitFor(() => expect(saves(backend)).toHaveLength(1));
    await user.keyboard('c');
    expect(document.activeElement).toBe(screen.getByTestId('triage-comment'));
    await user.keyboard('客户主动提及');
    await user.keyboard('{Escape}');
    expect(document.activeElement).toBe(screen.getByTestId('violation-list'));
    await user.keyboard('3');
    await waitFor(() => expect(saves(backend)).toHaveLength(2));
    await user.keyboard('4');
    await waitFor(() => expect(saves(backend)).toHaveLength(3));
    expect(saves(backend).map((s) => s.verdict)).toEqual(['confirmed_violation', 'escalate', 'cleared']);
    expect(saves(backend).map((s) => s.comment)).toEqual(['', '客户主动提及', '']);
  });

  it('the triaged hits are gone when the list is asked for again', async () => {
    const { backend, user } = await ready();
    const first = screen.getAllByTestId('violation-row')[0]!;
    await user.keyboard('4');
    await waitFor(() => expect(saves(backend)).toHaveLength(1));
    const again = await backend.violations(toQuery(DEFAULT_FILTERS, 0));
    expect(again.rows.some((r) => r.msgid === first.dataset.msgid && r.state === 'unreviewed' && String(r.hit_id) === first.dataset.hitId)).toBe(false);
  });

  it('Enter opens the hit in context', async () => {
    const { onopen, user } = await ready();
    await user.keyboard('{ArrowDown}{ArrowDown}{ArrowUp}');
    const row = selected()!;
    await user.keyboard('{Enter}');
    expect(onopen).toHaveBeenCalledWith(expect.stringMatching(/^[sg]:/), row.dataset.msgid);
  });

  it('shows the detail of the current hit with the matched span marked', async () => {
    await ready();
    const detail = screen.getByTestId('violation-detail');
    const word = within(detail).getByTestId('detail-word').textContent!;
    const marks = within(detail).getAllByTestId('hit-mark');
    expect(marks.map((m) => m.textContent)).toContain(word);
  });

  it('the behaviour tab lists behaviour hits', async () => {
    const backend = fakeBackend({}, { session: session('reviewer') });
    renderWith(ViolationCentre, { onopen: () => {} }, backend);
    await screen.findAllByTestId('violation-row');
    const tab = screen.getAllByTestId('violation-tab').find((b) => b.dataset.tab === 'behaviour')!;
    expect(tab).toHaveTextContent(/行为 [1-9]/);
    await fireEvent.click(tab);
    await waitFor(() => expect(screen.getAllByTestId('violation-row')[0]).toHaveTextContent(/手机号|红包/));
  });

  it('an auditor can look but the verdict keys do nothing', async () => {
    const { backend, user } = await ready('auditor');
    await new Promise((r) => setTimeout(r, 20));
    await user.keyboard('1');
    expect(saves(backend)).toHaveLength(0);
    expect(screen.queryByTestId('triage-confirmed_violation')).toBeNull();
    expect(screen.getByTestId('violation-detail')).toHaveTextContent('审计员只能查看批注');
  });

  it('filters by employee and sorts by severity, from the first page again', async () => {
    const { backend } = await ready();
    const select = screen.getByTestId('filter-employee') as HTMLSelectElement;
    await waitFor(() => expect(select.querySelectorAll('option').length).toBeGreaterThan(1));
    await fireEvent.change(select, { target: { value: 'lina' } });
    await waitFor(() => {
      const last = backend.calls.filter(([n]) => n === 'violations').at(-1)![1][0] as ViolationQuery;
      expect(last).toMatchObject({ employee: 'lina', offset: 0, state: 'unreviewed' });
    });
    await waitFor(() => expect(screen.getAllByTestId('violation-row').every((r) => r.textContent!.includes('李娜'))).toBe(true));
    await fireEvent.change(screen.getByTestId('filter-sort'), { target: { value: 'oldest' } });
    await waitFor(() => {
      const last = backend.calls.filter(([n]) => n === 'violations').at(-1)![1][0] as ViolationQuery;
      expect(last).toMatchObject({ employee: 'lina', sort: 'oldest' });
    });
    const times = screen.getAllByTestId('violation-row').map((r) => r.querySelector('.when')!.textContent);
    expect(times).toEqual([...times].sort());
  });

  it('turns a date range into Shanghai midnights, the end day included', () => {
    const q = toQuery({ ...DEFAULT_FILTERS, from: '2026-11-20', to: '2026-11-20' }, 200);
    expect(q.from).toBe(Date.UTC(2026, 10, 19, 16));
    expect(q.to).toBe(Date.UTC(2026, 10, 20, 16));
    expect(q.offset).toBe(200);
  });
});

describe('ViolationCentre at scale', () => {
  it('keeps only the rows in view in the DOM, and the cursor row drawn as it moves down', async () => {
    const template = (await fakeBackend({}, { session: session('reviewer') }).violations(toQuery(DEFAULT_FILTERS, 0))).rows[0]!;
    const TOTAL = 1000;
    const all = Array.from({ length: TOTAL }, (_, i) => ({ ...template, hit_id: 10_000 + i, msgid: `m${i}`, msgtime: template.msgtime - i }));
    const backend = fakeBackend(
      {
        violations: async (q: ViolationQuery) => ({
          total: TOTAL,
          rows: all.slice(q.offset, q.offset + q.limit),
          rules: [],
          kinds: [],
          words: TOTAL,
          behaviour: 0,
          unreviewed: TOTAL,
        }),
      },
      { session: session('reviewer') },
    );
    renderWith(ViolationCentre, { onopen: () => {} }, backend);
    await screen.findAllByTestId('violation-row');
    await screen.findByTestId('triage-false_positive');
    const drawn = screen.getAllByTestId('violation-row').length;
    expect(drawn).toBeGreaterThan(5);
    expect(drawn).toBeLessThan(40);
    screen.getByTestId('violation-list').focus();
    const user = userEvent.setup();
    for (let i = 0; i < 60; i++) await user.keyboard('j');
    expect(selected()?.dataset.index).toBe('60');
    expect(selected()?.dataset.msgid).toBe('m60');
    expect(screen.getAllByTestId('violation-row').length).toBeLessThan(40);
  });
});
