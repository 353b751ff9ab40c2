import { fireEvent, render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { createRawSnippet, tick } from 'svelte';
import { describe, expect, it, vi } from 'vitest';

import RowList from './RowList.svelte';

interface Item {
  id: string;
  label: string;
  header: boolean;
}

const items: Item[] = Array.from({ length: 5000 }, (_, i) => ({
  id: `r${i}`,
  label: i % 100 === 0 ? `部门 ${i / 100}` : `员工 ${i}`,
  header: i % 100 === 0,
}));

const row = createRawSnippet((item: () => Item) => ({
  render: () => `<span class="label"></span>`,
  setup: (node) => {
    node.textContent = item().label;
  },
}));

function setup(headerHeight?: number) {
  const onopen = vi.fn();
  const view = render(RowList<Item>, {
    items,
    key: (item: Item) => item.id,
    isHeader: (item: Item) => item.header,
    rowHeight: 48,
    headerHeight,
    selected: null,
    label: 'list',
    onopen,
    row,
  });
  return { ...view, onopen };
}

describe('RowList', () => {
  it('draws only the rows near the viewport of a 5000-row list', () => {
    const { container } = setup();
    const drawn = container.querySelectorAll('.row').length;
    expect(drawn).toBeGreaterThan(10);
    expect(drawn).toBeLessThan(60);
    expect(container.querySelector('.canvas')).toHaveStyle({ height: `${5000 * 48}px` });
  });

  it('lays out shorter heading rows', async () => {
    const { container } = setup(30);
    expect(container.querySelector('.canvas')).toHaveStyle({ height: `${50 * 30 + 4950 * 48}px` });
    const list = screen.getByRole('listbox');
    // Row 2501 starts after 26 headings and 2475 rows.
    list.scrollTop = 26 * 30 + 2475 * 48;
    await fireEvent.scroll(list);
    const row = screen.getByText('员工 2501').closest('.row');
    expect(row).toHaveStyle({ top: `${26 * 30 + 2475 * 48}px`, height: '48px' });
  });

  it('draws the rows a scroll brings into view', async () => {
    const { container } = setup();
    const list = screen.getByRole('listbox');
    list.scrollTop = 2500 * 48;
    await fireEvent.scroll(list);
    expect(screen.getByText('员工 2501')).toBeInTheDocument();
    expect(screen.queryByText('员工 1')).toBeNull();
    expect(container.querySelectorAll('.row').length).toBeLessThan(60);
  });

  it('jumps to the end with End, skips headings, and opens with Enter', async () => {
    const user = userEvent.setup();
    const { onopen } = setup();
    const list = screen.getByRole('listbox');
    list.focus();
    await tick();
    // The first row is a heading: the cursor starts on the first selectable one.
    expect(document.getElementById(list.getAttribute('aria-activedescendant')!)).toHaveTextContent('员工 1');
    await user.keyboard('{End}');
    expect(document.getElementById(list.getAttribute('aria-activedescendant')!)).toHaveTextContent('员工 4999');
    await user.keyboard('{Enter}');
    expect(onopen).toHaveBeenCalledWith(items[4999]);
  });
});
