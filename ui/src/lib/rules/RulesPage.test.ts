import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it } from 'vitest';

import type { RescanProgress } from '../backend';
import { i18n } from '../i18n/index.svelte';
import { fakeBackend } from '../../test/fake-backend';
import { renderWith } from '../../test/render';
import { parseWords } from './lexicon';
import RulesPage from './RulesPage.svelte';

beforeEach(() => i18n.setLocale('zh-CN'));

describe('RulesPage', () => {
  it('lists the server rules and lexicons', async () => {
    renderWith(RulesPage, { previewDelayMs: 0 }, fakeBackend());
    const rows = await screen.findAllByTestId('rule-row');
    expect(rows.map((r) => r.textContent)).toEqual(expect.arrayContaining([expect.stringContaining('承诺收益')]));
    expect(screen.getAllByTestId('server-lexicon')[0]).toHaveTextContent('保本');
    expect(screen.queryByTestId('local-lexicon')).toBeNull();
  });

  it('previews a word list once typing pauses, then saves it with progress and lists it', async () => {
    const backend = fakeBackend();
    const seen: RescanProgress[] = [];
    const original = backend.saveLexicon;
    backend.saveLexicon = (name, words, severity, onProgress) =>
      original(name, words, severity, (p) => {
        seen.push(p);
        onProgress(p);
      });
    renderWith(RulesPage, { previewDelayMs: 0 }, backend);
    await screen.findAllByTestId('rule-row');
    await fireEvent.input(screen.getByTestId('lexicon-name'), { target: { value: '产品词' } });
    await fireEvent.input(screen.getByTestId('lexicon-words'), { target: { value: '理财产品\n\n 理财产品 \n收益' } });
    await waitFor(() => expect(screen.getByTestId('lexicon-preview')).toHaveTextContent(/将命中 \d+ 条消息/));
    const previews = backend.calls.filter(([n]) => n === 'previewLexicon');
    expect(previews.at(-1)![1][0]).toEqual(['理财产品', '收益']);
    expect(screen.getByTestId('lexicon-preview').querySelectorAll('[data-testid="snippet"]').length).toBeGreaterThan(0);

    await fireEvent.submit(screen.getByTestId('lexicon-form'));
    await screen.findByTestId('rescan-done');
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.at(-1)!.scanned).toBe(seen.at(-1)!.total);
    const local = await screen.findByTestId('local-lexicon');
    expect(local).toHaveTextContent('产品词');
    expect(local).toHaveTextContent('2 个词');
  });

  it('words are one per line, trimmed, once', () => {
    expect(parseWords(' a \n\nb\r\na\n')).toEqual(['a', 'b']);
  });

  it('deletes a local lexicon after confirmation', async () => {
    const backend = fakeBackend();
    await backend.saveLexicon('临时', ['收到'], 'low', () => {});
    renderWith(RulesPage, { previewDelayMs: 0 }, backend);
    const local = await screen.findByTestId('local-lexicon');
    await fireEvent.click(local.querySelector('[data-testid="delete-lexicon"]')!);
    const dialog = await screen.findByRole('alertdialog');
    expect(dialog).toHaveTextContent('删除本地词库「临时」');
    await fireEvent.click(within(dialog).getByRole('button', { name: '删除' }));
    await waitFor(() => expect(screen.queryByTestId('local-lexicon')).toBeNull());
    expect(backend.calls.find(([n]) => n === 'deleteLexicon')![1]).toEqual(['临时']);
  });
});
