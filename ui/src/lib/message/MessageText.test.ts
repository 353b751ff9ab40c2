import { render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';

import MessageText from './MessageText.svelte';
import { segments } from './segments';

describe('MessageText', () => {
  it('renders markup in a message as literal text, creating no element', () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const { container } = render(MessageText, { text: hostile });

    expect(container.querySelector('img')).toBeNull();
    expect(container.textContent).toBe(hostile);
  });

  it('keeps script tags and entities inert', () => {
    const hostile = '<script>alert(1)</script>&lt;b&gt;粗体&lt;/b&gt;<b>x</b>';
    const { container } = render(MessageText, { text: hostile });

    expect(container.querySelector('script, b')).toBeNull();
    expect(container.textContent).toBe(hostile);
  });

  it('keeps Chinese text and line breaks as sent', () => {
    const text = '您好，请问\n订单什么时候发货？';
    const { container } = render(MessageText, { text });

    expect(container.querySelectorAll('.hidden-char')).toHaveLength(0);
    expect(container.textContent).toBe(text);
  });

  it('shows a right-to-left override as a visible marker instead of reordering the text', () => {
    const { container } = render(MessageText, { text: '转账\u202E0001\u202C元' });

    const markers = [...container.querySelectorAll('.hidden-char')];
    expect(markers.map((m) => m.textContent)).toEqual(['RLO', 'PDF']);
    expect(markers.map((m) => m.getAttribute('title'))).toEqual(['U+202E', 'U+202C']);
    // The override characters themselves are never put into the page.
    expect(container.textContent).not.toContain('\u202E');
  });
});

describe('segments', () => {
  it('marks zero-width characters hidden inside a word', () => {
    expect(segments('微\u200B信')).toEqual([
      { kind: 'text', text: '微' },
      { kind: 'hidden', codePoint: 0x200b, label: 'ZWSP' },
      { kind: 'text', text: '信' },
    ]);
  });

  it('marks control characters but keeps tab, newline and carriage return', () => {
    expect(segments('a\u0007b\t\r\nc\u0085')).toEqual([
      { kind: 'text', text: 'a' },
      { kind: 'hidden', codePoint: 7, label: 'U+0007' },
      { kind: 'text', text: 'b\t\r\nc' },
      { kind: 'hidden', codePoint: 0x85, label: 'U+0085' },
    ]);
  });

  it('keeps characters outside the basic plane whole', () => {
    expect(segments('😀𠮷')).toEqual([{ kind: 'text', text: '😀𠮷' }]);
  });

  it('returns nothing for empty text', () => {
    expect(segments('')).toEqual([]);
  });
});
