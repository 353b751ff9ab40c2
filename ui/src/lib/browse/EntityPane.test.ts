import { screen, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { tick } from 'svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { i18n } from '../i18n/index.svelte';
import { fakeBackend } from '../../test/fake-backend';
import { renderWith } from '../../test/render';
import EntityPane from './EntityPane.svelte';
import type { Mode } from './types';

beforeEach(() => i18n.setLocale('zh-CN'));

function setup(mode: Mode = 'employees') {
  const onpick = vi.fn();
  const onmode = vi.fn();
  const view = renderWith(EntityPane, { mode, selected: null, onmode, onpick }, fakeBackend());
  return { ...view, onpick, onmode };
}

const rowTexts = (container: HTMLElement) =>
  [...container.querySelectorAll('[role="option"], [role="presentation"].header')].map((r) => r.textContent!.trim());

describe('EntityPane (employees)', () => {
  it('lists employees under their departments in tree order (names in pinyin order), departed ones apart and read-only', async () => {
    const { container } = setup();
    await screen.findAllByTestId('employee-row');
    const rows = rowTexts(container).map((t) => t.split(/\s+/)[0]);
    expect(rows).toEqual(['总公司', '财富管理部', '李娜', '张伟', '上海分部', '刘洋', '客户服务部', '陈静', '王强', '已离职', '赵磊']);
    const departed = container.querySelector('[data-userid="zhaolei"]')!;
    expect(departed).toHaveTextContent('只读');
    expect(container.querySelector('[data-userid="zhangwei"]')).not.toHaveTextContent('只读');
  });

  it('shows the counts as 13/527 会话 · 4/127 敏感词 with bars', async () => {
    const { container } = setup();
    await screen.findAllByTestId('employee-row');
    const counts = within(container.querySelector('[data-userid="zhangwei"]') as HTMLElement).getByTestId('counts');
    expect(counts.textContent!.replace(/\s+/g, ' ').trim()).toBe('13/527 会话 · 4/127 敏感词');
    const widths = (userid: string) =>
      [...container.querySelectorAll(`[data-userid="${userid}"] rect.fill`)].map((r) => Number(r.getAttribute('width')));
    // 13/527 and 4/127 of a 28 px bar: small but visible; 0 draws nothing.
    expect(widths('zhangwei')).toEqual([2, 2]);
    expect(widths('lina')).toEqual([2, 0]);
    expect(widths('wangqiang')).toEqual([2, 7]); // 5/310, 5/19
  });

  it('filters by name, id or department, keeping the departments of what matches', async () => {
    const user = userEvent.setup();
    const { container } = setup();
    await screen.findAllByTestId('employee-row');
    await user.type(screen.getByRole('searchbox', { name: '筛选' }), '客户服务');
    expect(rowTexts(container).map((t) => t.split(/\s+/)[0])).toEqual(['总公司', '客户服务部', '陈静', '王强']);
    await user.clear(screen.getByRole('searchbox'));
    await user.type(screen.getByRole('searchbox'), 'zhaolei');
    expect(rowTexts(container).map((t) => t.split(/\s+/)[0])).toEqual(['已离职', '赵磊']);
    await user.clear(screen.getByRole('searchbox'));
    await user.type(screen.getByRole('searchbox'), 'nobody');
    expect(screen.getByText('没有匹配的条目')).toBeInTheDocument();
  });

  it('moves with j/k and arrows, skipping department headings, and opens with Enter', async () => {
    const user = userEvent.setup();
    const { onpick } = setup();
    await screen.findAllByTestId('employee-row');
    const list = screen.getByRole('listbox');
    list.focus();
    await tick();
    const active = () => document.getElementById(list.getAttribute('aria-activedescendant')!)!.textContent;
    expect(active()).toContain('李娜');
    await user.keyboard('jj');
    expect(active()).toContain('刘洋');
    await user.keyboard('{ArrowUp}');
    expect(active()).toContain('张伟');
    await user.keyboard('{End}');
    expect(active()).toContain('赵磊');
    await user.keyboard('{Enter}');
    expect(onpick).toHaveBeenCalledTimes(1);
    const [pick, viaKeyboard] = onpick.mock.calls[0]!;
    expect(pick).toMatchObject({ kind: 'employee', readOnly: true, summary: { employee: { userid: 'zhaolei' } } });
    expect(viaKeyboard).toBe(true);
  });

  it('opens on click', async () => {
    const user = userEvent.setup();
    const { onpick } = setup();
    await user.click(await screen.findByText('王强', { selector: '.name' }));
    expect(onpick.mock.calls[0]![0]).toMatchObject({ kind: 'employee', readOnly: false, summary: { employee: { userid: 'wangqiang' } } });
    expect(onpick.mock.calls[0]![1]).toBe(false);
  });

  it('switches entry point through the control at the top', async () => {
    const user = userEvent.setup();
    const { onmode } = setup();
    await user.click(screen.getByRole('button', { name: '客户' }));
    expect(onmode).toHaveBeenCalledWith('customers');
  });
});

describe('EntityPane (customers and groups)', () => {
  it('lists customers with their corp or WeChat origin', async () => {
    setup('customers');
    const rows = await screen.findAllByTestId('customer-row');
    expect(rows.map((r) => r.textContent!.replace(/\s+/g, ' '))).toEqual([
      expect.stringContaining('王女士 @微信'),
      expect.stringContaining('陈先生 @微信'),
      expect.stringContaining('赵总 @华信科技'),
    ]);
  });

  it('lists groups, dissolved ones marked', async () => {
    setup('groups');
    const rows = await screen.findAllByTestId('group-row');
    expect(rows).toHaveLength(3);
    expect(rows[2]).toHaveTextContent('双十一活动群');
    expect(rows[2]).toHaveTextContent('已解散');
    expect(rows[0]).not.toHaveTextContent('已解散');
  });
});
