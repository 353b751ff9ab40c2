import { fireEvent, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import type { AnnotationView, SessionInfo } from '../backend';
import { i18n } from '../i18n/index.svelte';
import { fakeBackend, SHOWCASE } from '../../test/fake-backend';
import { renderWith } from '../../test/render';
import AnnotationsPage from './AnnotationsPage.svelte';
import { parseTags } from './verdicts';

const session = (role: SessionInfo['role']): SessionInfo => ({
  profile: { id: 'p', name: 'p', server_url: '', user: 'li', key_source: 'os_keyring', last_opened_at: null },
  role,
});

const theirs = (id: string, verdict: AnnotationView['verdict']): AnnotationView => ({
  id,
  target: { kind: 'message', conversation: SHOWCASE, msgid: 'show-001', span: null },
  author: 'wang',
  comment: '他人的意见',
  tags: [],
  verdict,
  version: 1,
  updated_at: 1_763_700_000_000,
  pending: false,
  mine: false,
  excerpt: '您好',
  msgtime: 1_763_700_000_000,
});

beforeEach(() => i18n.setLocale('zh-CN'));

async function seeded(role: SessionInfo['role'] = 'reviewer') {
  const backend = fakeBackend({}, { session: session(role) });
  if (role !== 'auditor') {
    await backend.saveAnnotation({
      id: null,
      target: { kind: 'message', conversation: SHOWCASE, msgid: 'show-002', span: null },
      comment: '我的意见',
      tags: ['复核'],
      verdict: 'false_positive',
    });
  }
  backend.notes.push(theirs('other-1', 'escalate'));
  return backend;
}

describe('AnnotationsPage', () => {
  it('lists all annotations, only mine on the switch, with a pending marker on unsynced ones', async () => {
    const backend = await seeded();
    renderWith(AnnotationsPage, { onopen: () => {} }, backend);
    await waitFor(() => expect(screen.getAllByTestId('annotation-item')).toHaveLength(2));
    const mine = screen.getAllByTestId('annotation-item').find((i) => i.textContent!.includes('我的意见'))!;
    const other = screen.getAllByTestId('annotation-item').find((i) => i.textContent!.includes('他人的意见'))!;
    expect(within(mine).getByTestId('pending-mark')).toBeInTheDocument();
    expect(within(other).queryByTestId('pending-mark')).toBeNull();
    // Edit and delete only on my own.
    await waitFor(() => expect(within(mine).getByTestId('annotation-edit')).toBeInTheDocument());
    expect(within(other).queryByTestId('annotation-edit')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: '我的' }));
    await waitFor(() => expect(screen.getAllByTestId('annotation-item')).toHaveLength(1));
    expect(screen.getByTestId('annotation-item')).toHaveTextContent('我的意见');
  });

  it('filters by verdict and opens one in context', async () => {
    const backend = await seeded();
    const onopen = vi.fn();
    renderWith(AnnotationsPage, { onopen }, backend);
    await waitFor(() => expect(screen.getAllByTestId('annotation-item')).toHaveLength(2));
    await fireEvent.change(screen.getByTestId('notes-verdict'), { target: { value: 'escalate' } });
    await waitFor(() => expect(screen.getAllByTestId('annotation-item')).toHaveLength(1));
    await fireEvent.click(within(screen.getByTestId('annotation-item')).getByRole('button', { name: '在上下文中查看' }));
    expect(onopen).toHaveBeenCalledWith(SHOWCASE, 'show-001');
  });

  it('edits my own annotation', async () => {
    const backend = await seeded();
    renderWith(AnnotationsPage, { onopen: () => {} }, backend);
    const mine = await waitFor(() => screen.getAllByTestId('annotation-item').find((i) => i.textContent!.includes('我的意见'))!);
    await fireEvent.click(await within(mine).findByTestId('annotation-edit'));
    const editor = screen.getByTestId('annotation-editor');
    await fireEvent.input(within(editor).getByTestId('annotation-comment'), { target: { value: '改过的意见' } });
    await fireEvent.click(within(editor).getByTestId('annotation-save'));
    await screen.findByText('改过的意见');
    const edit = backend.calls.filter(([n]) => n === 'saveAnnotation').at(-1)![1][0] as { id: string | null };
    expect(edit.id).toBe('a-1');
  });

  it('shows a conflict with both versions and keeps theirs', async () => {
    const backend = await seeded();
    const mine = backend.notes[0]!;
    backend.conflicts.push({ id: 7, annotation_id: mine.id, reason: 'edited on the server', mine, theirs: { ...theirs(mine.id, 'cleared'), comment: '服务器上的意见' } });
    renderWith(AnnotationsPage, { onopen: () => {} }, backend);
    const conflict = await screen.findByTestId('conflict');
    expect(conflict).toHaveTextContent('我的意见');
    expect(conflict).toHaveTextContent('服务器上的意见');
    await fireEvent.click(await within(conflict).findByTestId('keep-theirs'));
    await waitFor(() => expect(screen.queryByTestId('conflict')).toBeNull());
    expect(backend.calls.find(([n]) => n === 'resolveConflict')![1]).toEqual([7, 'theirs']);
    await screen.findByText('服务器上的意见');
  });

  it('an auditor sees annotations without edit controls', async () => {
    const backend = await seeded('auditor');
    renderWith(AnnotationsPage, { onopen: () => {} }, backend);
    await screen.findByTestId('annotation-item');
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByTestId('annotation-edit')).toBeNull();
    expect(screen.queryByTestId('annotation-delete')).toBeNull();
  });

  it('tags split on either comma', () => {
    expect(parseTags('a, b，c,, a')).toEqual(['a', 'b', 'c']);
  });
});
