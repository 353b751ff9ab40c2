import { screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it, vi } from 'vitest';

import type { ProfileSummary } from '../backend';
import { i18n } from '../i18n/index.svelte';
import { fakeBackend } from '../../test/fake-backend';
import { renderWith } from '../../test/render';
import ProfilePicker from './ProfilePicker.svelte';

const PROFILES: ProfileSummary[] = [
  { id: 'work', name: '总部存档', server_url: 'https://archive.example.com', user: 'li', key_source: 'os_keyring', last_opened_at: null },
  { id: 'audit', name: '审计副本', server_url: 'https://archive.example.com', user: 'auditor', key_source: 'passphrase', last_opened_at: null },
];

beforeEach(() => i18n.setLocale('zh-CN'));

describe('ProfilePicker', () => {
  it('opens a keyring profile at once', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend({}, { profiles: PROFILES });
    const onopened = vi.fn();
    renderWith(ProfilePicker, { profiles: PROFILES, onopened, onnew: vi.fn() }, backend);
    await user.click(screen.getByRole('button', { name: /总部存档/ }));
    expect(backend.calls).toContainEqual(['openProfile', ['work', null]]);
    expect(onopened).toHaveBeenCalled();
  });

  it('asks for the passphrase, shows a wrong one as such, and unlocks with the right one', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend({}, { profiles: PROFILES });
    const onopened = vi.fn();
    renderWith(ProfilePicker, { profiles: PROFILES, onopened, onnew: vi.fn() }, backend);
    await user.click(screen.getByRole('button', { name: /审计副本/ }));
    expect(screen.getByRole('heading')).toHaveTextContent('解锁「审计副本」');
    const field = screen.getByLabelText('口令');
    expect(document.activeElement).toBe(field);

    await user.type(field, 'wrong');
    await user.click(screen.getByRole('button', { name: '解锁' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveAttribute('data-code', 'wrong_passphrase');
    expect(alert).toHaveTextContent('口令不正确');
    expect(onopened).not.toHaveBeenCalled();

    await user.clear(field);
    await user.type(field, 'correct horse');
    await user.click(screen.getByRole('button', { name: '解锁' }));
    expect(onopened).toHaveBeenCalled();
    expect(backend.calls.filter(([n]) => n === 'openProfile').map(([, a]) => a)).toEqual([
      ['audit', 'wrong'],
      ['audit', 'correct horse'],
    ]);
  });

  it('goes to the connect screen for a new server', async () => {
    const user = userEvent.setup();
    const onnew = vi.fn();
    renderWith(ProfilePicker, { profiles: PROFILES, onopened: vi.fn(), onnew }, fakeBackend());
    await user.click(screen.getByRole('button', { name: '连接新的服务器' }));
    expect(onnew).toHaveBeenCalled();
  });
});
