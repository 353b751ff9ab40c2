import { fireEvent, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import { i18n } from '../i18n/index.svelte';
import { fakeBackend } from '../../test/fake-backend';
import { renderWith } from '../../test/render';
import { addTerm, facetTerm } from './query';
import SearchPage from './SearchPage.svelte';

beforeEach(() => i18n.setLocale('zh-CN'));

async function search(query: string) {
  const box = screen.getByTestId('search-box') as HTMLInputElement;
  await fireEvent.input(box, { target: { value: query } });
  await fireEvent.submit(box.form!);
}

describe('SearchPage', () => {
  it('shows results with the matched words marked', async () => {
    const backend = fakeBackend();
    renderWith(SearchPage, { onopen: () => {} }, backend);
    await search('保本');
    const hits = await screen.findAllByTestId('search-hit');
    expect(hits.length).toBeGreaterThan(0);
    for (const hit of hits) {
      const marks = hit.querySelectorAll('[data-testid="hit-mark"]');
      expect([...marks].map((m) => m.textContent)).toContain('保本');
    }
    expect(screen.getByTestId('search-total')).toHaveTextContent(`共 ${hits.length} 条结果`);
  });

  it('a facet click adds its filter to the query and searches again', async () => {
    const backend = fakeBackend();
    renderWith(SearchPage, { onopen: () => {} }, backend);
    await search('保本');
    await screen.findAllByTestId('search-hit');
    const facet = await waitFor(() => {
      const el = document.querySelector<HTMLElement>('[data-testid="facet"][data-facet="employee"][data-value="zhangwei"]');
      if (!el) throw new Error('no employee facet');
      return el;
    });
    expect(facet).toHaveTextContent('张伟');
    await fireEvent.click(facet);
    expect((screen.getByTestId('search-box') as HTMLInputElement).value).toBe('保本 employee:zhangwei');
    await waitFor(() => {
      const last = backend.calls.filter(([n]) => n === 'search').at(-1)![1][0] as { query: string };
      expect(last.query).toBe('保本 employee:zhangwei');
    });
    // Every result now involves 张伟.
    await waitFor(() => expect(screen.getAllByTestId('search-hit').length).toBeGreaterThan(0));
  });

  it('a bad query shows the backend message under the box, and no results', async () => {
    const backend = fakeBackend();
    renderWith(SearchPage, { onopen: () => {} }, backend);
    await search('"保本');
    const error = await screen.findByRole('alert');
    expect(error).toHaveTextContent('a phrase is not closed with "');
    expect(screen.getByTestId('search-box')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.queryByTestId('search-hit')).toBeNull();
  });

  it('Enter on a result opens it in context; recent searches list the query', async () => {
    const user = userEvent.setup();
    const onopen = vi.fn();
    renderWith(SearchPage, { onopen }, fakeBackend());
    await search('保本');
    await screen.findAllByTestId('search-hit');
    const list = screen.getByTestId('search-results');
    list.focus();
    await user.keyboard('j');
    const second = screen.getAllByTestId('search-hit')[1];
    await user.keyboard('{Enter}');
    expect(onopen).toHaveBeenCalledTimes(1);
    const [conversation, msgid] = onopen.mock.calls[0]!;
    if (second) expect(msgid).toBe(second.dataset.msgid);
    expect(typeof conversation).toBe('string');
    expect(await screen.findByTestId('recent-searches')).toHaveTextContent('保本');
  });

  it('the help lists the query language', async () => {
    renderWith(SearchPage, { onopen: () => {} }, fakeBackend());
    await fireEvent.click(screen.getByTestId('search-help-toggle'));
    const help = screen.getByTestId('search-help');
    for (const term of ['employee:', 'customer:', 'group:', 'type:', 'from:', 'has:violation', 'has:annotation', 'OR', 'NOT', '"']) {
      expect(help.textContent).toContain(term);
    }
  });
});

describe('query edits', () => {
  it('adds a term once; a month becomes its date range', () => {
    expect(addTerm('保本', 'employee:zhangwei')).toBe('保本 employee:zhangwei');
    expect(addTerm('保本 employee:zhangwei', 'employee:zhangwei')).toBe('保本 employee:zhangwei');
    expect(addTerm('', 'type:text')).toBe('type:text');
    expect(facetTerm('month', '2026-02')).toBe('from:2026-02-01 to:2026-02-28');
    expect(facetTerm('msgtype', 'text')).toBe('type:text');
  });
});
