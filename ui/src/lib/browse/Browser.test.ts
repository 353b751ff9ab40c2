import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { tick } from 'svelte';
import { beforeEach, describe, expect, it } from 'vitest';

import { i18n } from '../i18n/index.svelte';
import { fakeBackend } from '../../test/fake-backend';
import { renderWith } from '../../test/render';
import Browser from './Browser.svelte';
import { DEFAULT_WIDTHS, paneWidths } from './layout.svelte';

beforeEach(() => {
  localStorage.clear();
  paneWidths.reload();
  i18n.setLocale('zh-CN');
});

const activeText = (list: HTMLElement) => document.getElementById(list.getAttribute('aria-activedescendant') ?? '')?.textContent ?? '';

describe('Browser', () => {
  it('walks employee → customer → conversation from the keyboard alone', async () => {
    const user = userEvent.setup();
    renderWith(Browser, { pollMs: 0 }, fakeBackend({}, { longCount: 500 }));
    await screen.findAllByTestId('employee-row');

    const employees = screen.getByTestId('entity-list');
    employees.focus();
    await tick();
    await user.keyboard('j'); // 李娜 → 张伟
    expect(activeText(employees)).toContain('张伟');
    await user.keyboard('{Enter}');

    // Enter opened the employee and moved focus to pane 2.
    const partners = await screen.findByTestId('partner-list');
    await waitFor(() => expect(document.activeElement).toBe(partners));
    await screen.findAllByTestId('partner-row');
    const kinds = screen.getAllByTestId('partner-row').map((r) => [r.dataset.kind, r.dataset.id]);
    expect(kinds).toEqual([
      ['customer', 'wmCUST1'],
      ['customer', 'wmCUST2'],
      ['customer', 'woCORP1'],
      ['colleague', 'lina'],
      ['group', 'wrGROUP1'],
      ['group', 'wrGROUP2'],
      ['group', 'wrGROUP3'],
    ]);
    expect(screen.getAllByTestId('partner-row')[6]).toHaveTextContent('已解散');
    expect(screen.getAllByTestId('partner-row')[0]).toHaveTextContent('4 次命中');
    await tick();
    expect(activeText(partners)).toContain('王女士');
    await user.keyboard('{Enter}');

    // The conversation opens and takes focus.
    await screen.findAllByTestId('message');
    const flow = screen.getByTestId('conversation-flow');
    await waitFor(() => expect(document.activeElement).toBe(flow));
    expect(screen.getByRole('heading', { level: 2 })).toHaveTextContent('王女士');

    // ← goes back to the partners, ← again to the employees.
    await user.keyboard('{ArrowLeft}');
    expect(document.activeElement).toBe(partners);
    await user.keyboard('{ArrowLeft}');
    expect(document.activeElement).toBe(employees);
    await user.keyboard('{ArrowRight}{ArrowRight}');
    expect(document.activeElement).toBe(flow);
  });

  it('opens a departed employee read-only', async () => {
    const user = userEvent.setup();
    renderWith(Browser, { pollMs: 0 }, fakeBackend());
    await user.click(await screen.findByText('赵磊', { selector: '.name' }));
    await user.click((await screen.findAllByTestId('partner-row'))[0]!);
    expect(await screen.findByText('只读：员工已离职')).toBeInTheDocument();
  });

  it('opens a group straight from the group-first entry point', async () => {
    const user = userEvent.setup();
    renderWith(Browser, { pollMs: 0 }, fakeBackend());
    await user.click(screen.getByRole('button', { name: '群聊' }));
    await user.click(await screen.findByText('双十一活动群', { selector: '.name' }));
    expect(await screen.findByRole('heading', { level: 2 })).toHaveTextContent('双十一活动群');
    expect(await screen.findByText('群聊已解散', { selector: '.badge' })).toBeInTheDocument();
    const lines = await screen.findAllByTestId('system-line');
    expect(lines.map((l) => l.textContent)).toEqual(['张伟 邀请 王女士 加入了群聊', '赵总 退出了群聊', '群聊已解散']);
    // No employee was picked: everyone on the left, with names.
    expect(screen.getAllByTestId('message').every((m) => m.dataset.side === 'left')).toBe(true);
  });

  it('walks customer → employee → conversation, the employee on the right', async () => {
    const user = userEvent.setup();
    renderWith(Browser, { pollMs: 0 }, fakeBackend({}, { longCount: 300 }));
    await user.click(screen.getByRole('button', { name: '客户' }));
    await user.click(await screen.findByText('陈先生', { selector: '.name' }));
    expect(await screen.findByText('跟进员工')).toBeInTheDocument();
    await user.click((await screen.findAllByTestId('partner-row'))[0]!);
    const messages = await screen.findAllByTestId('message');
    const mine = messages.filter((m) => m.dataset.side === 'right');
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((m) => m.textContent!.includes('张伟'))).toBe(true);
  });

  it('focuses the filter with the platform shortcut', async () => {
    renderWith(Browser, { pollMs: 0 }, fakeBackend());
    await screen.findAllByTestId('employee-row');
    await fireEvent.keyDown(window, { key: 'f', ctrlKey: true });
    expect(document.activeElement).toBe(screen.getByRole('searchbox', { name: '筛选' }));
  });

  it('resizes panes from the keyboard and remembers the sizes', async () => {
    const user = userEvent.setup();
    const first = renderWith(Browser, { pollMs: 0 }, fakeBackend());
    const [handle] = screen.getAllByRole('separator');
    expect(handle).toHaveAttribute('aria-valuenow', String(DEFAULT_WIDTHS[0]));
    handle!.focus();
    await user.keyboard('{ArrowRight}{ArrowRight}{Shift>}{ArrowRight}{/Shift}');
    expect(handle).toHaveAttribute('aria-valuenow', String(DEFAULT_WIDTHS[0] + 12 + 12 + 48));
    expect(JSON.parse(localStorage.getItem('dossier.panes')!)).toEqual([DEFAULT_WIDTHS[0] + 72, DEFAULT_WIDTHS[1]]);
    first.unmount();

    paneWidths.reload();
    renderWith(Browser, { pollMs: 0 }, fakeBackend());
    expect(screen.getAllByRole('separator')[0]).toHaveAttribute('aria-valuenow', String(DEFAULT_WIDTHS[0] + 72));
  });

  it('resizes panes by dragging', async () => {
    renderWith(Browser, { pollMs: 0 }, fakeBackend());
    const handle = screen.getAllByRole('separator')[1]!;
    await fireEvent.pointerDown(handle, { clientX: 600, pointerId: 1 });
    await fireEvent.pointerMove(handle, { clientX: 640, pointerId: 1 });
    await fireEvent.pointerUp(handle, { clientX: 640, pointerId: 1 });
    expect(handle).toHaveAttribute('aria-valuenow', String(DEFAULT_WIDTHS[1] + 40));
  });

  it('shows the details panel of the customer and the employee', async () => {
    const user = userEvent.setup();
    renderWith(Browser, { pollMs: 0 }, fakeBackend());
    await user.click(await screen.findByText('张伟', { selector: '.name' }));
    await user.click((await screen.findAllByTestId('partner-row'))[0]!);
    await user.click(await screen.findByRole('button', { name: '详情' }));
    const panel = await screen.findByTestId('details-panel');
    await within(panel).findByText('王女士');
    const follow = within(panel).getByTestId('follow-user');
    expect(follow).toHaveTextContent('添加人张伟');
    expect(follow).toHaveTextContent('添加来源扫描二维码 · offline-event');
    expect(follow).toHaveTextContent('VIP');
    expect(follow).toHaveTextContent('基金');
    expect(follow).toHaveTextContent('状态已删除');
    expect(panel).toHaveTextContent('客户 王女士 删除了 张伟');
    expect(panel).toHaveTextContent(/2025年11月\d+日/);
    expect(await within(panel).findByText('财富管理部')).toBeInTheDocument();
    expect(panel).toHaveTextContent('理财经理');
  });
});
