// The DESIGN bar "open a conversation of 100k messages: first page painted ≤ 100 ms", measured
// here under jsdom with the fake backend (a page is generated on demand, as the vault reads one
// page). It prints figures beside a 100-message baseline from the same run; it asserts only that
// the page was drawn, never a time (STYLE: benchmarks print, tests do not time).
import { cleanup } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';

import type { Participant } from '../backend';
import { fakeBackend, generatedSource, LONG } from '../../test/fake-backend';
import { renderWith } from '../../test/render';
import ConversationView from './ConversationView.svelte';

const PEOPLE: Participant[] = [
  { id: 'zhangwei', name: '张伟', kind: 'employee', corp_name: null },
  { id: 'wmCUST2', name: '陈先生', kind: 'customer', corp_name: null },
];

async function firstPaint(count: number): Promise<{ ms: number; rows: number }> {
  const backend = fakeBackend({}, { longCount: count });
  backend.addConversation(LONG, generatedSource('long', 'zhangwei', 'wmCUST2', count));
  let painted!: () => void;
  const done = new Promise<void>((resolve) => (painted = resolve));
  const start = performance.now();
  const { container } = renderWith(
    ConversationView,
    { conversation: LONG, participants: PEOPLE, selfId: 'zhangwei', onfirstpaint: () => painted() },
    backend,
  );
  await done;
  const ms = performance.now() - start;
  const rows = container.querySelectorAll('[data-testid="message"]').length;
  cleanup();
  return { ms, rows };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe('first paint of a conversation', () => {
  it('prints the time to draw the first page of a 100k-message conversation beside a 100-message one', async () => {
    await firstPaint(100); // warm-up: module and template initialisation
    const runs = 7;
    const small: number[] = [];
    const large: number[] = [];
    let rows = 0;
    for (let i = 0; i < runs; i++) {
      small.push((await firstPaint(100)).ms);
      const result = await firstPaint(100_000);
      large.push(result.ms);
      rows = result.rows;
    }
    expect(rows).toBeGreaterThan(0);
    console.log(
      `first paint (jsdom, fake backend, median of ${runs}): 100k messages ${median(large).toFixed(1)} ms ` +
        `(${rows} rows in the DOM); baseline 100 messages ${median(small).toFixed(1)} ms`,
    );
  });
});
