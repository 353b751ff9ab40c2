import { screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';

import type { SyncProgress } from '../backend';
import { i18n } from '../i18n/index.svelte';
import { fakeBackend } from '../../test/fake-backend';
import { renderWith } from '../../test/render';
import SyncStrip from './SyncStrip.svelte';

beforeEach(() => i18n.setLocale('zh-CN'));

describe('SyncStrip', () => {
  it('shows online and the last sync time', async () => {
    const at = Date.now() - 5 * 60_000;
    renderWith(SyncStrip, { pollMs: 0 }, fakeBackend({}, { sync: { last_sync_at: at, lease_expires_at: Date.now() + 7 * 86_400_000 } }));
    expect(await screen.findByText('在线')).toBeInTheDocument();
    expect(screen.getByText(/上次同步/)).toHaveTextContent(/上次同步 (5 分钟前|昨天 \d\d:\d\d)/);
    expect(screen.queryByTestId('lease')).toBeNull();
  });

  it('marks offline and disables sync', async () => {
    renderWith(SyncStrip, { pollMs: 0 }, fakeBackend({}, { sync: { online: false, last_sync_at: null } }));
    expect(await screen.findByText('离线')).toBeInTheDocument();
    expect(screen.getByText('尚未同步')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '立即同步' })).toBeDisabled();
  });

  it('warns in the lease’s last day and says when it has expired', async () => {
    const soon = Date.now() + 3 * 3_600_000;
    const first = renderWith(SyncStrip, { pollMs: 0 }, fakeBackend({}, { sync: { lease_expires_at: soon } }));
    expect(await screen.findByTestId('lease')).toHaveTextContent(/离线授权将于 \d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d 到期/);
    first.unmount();
    renderWith(SyncStrip, { pollMs: 0 }, fakeBackend({}, { sync: { lease_expires_at: Date.now() - 1000 } }));
    expect(await screen.findByTestId('lease')).toHaveTextContent('离线授权已到期');
  });

  it('shows a progress bar while syncing, fed by the progress channel', async () => {
    const user = userEvent.setup();
    let report!: (p: SyncProgress) => void;
    let finish!: () => void;
    const backend = fakeBackend({
      syncNow: (onProgress) => {
        report = onProgress;
        return new Promise<void>((resolve) => (finish = resolve));
      },
    });
    renderWith(SyncStrip, { pollMs: 0 }, backend);
    await screen.findByText('在线');
    await user.click(screen.getByRole('button', { name: '立即同步' }));
    expect(screen.getByRole('button', { name: '正在同步' })).toBeDisabled();
    // Before the first report the bar is indeterminate.
    expect(document.querySelector('progress')).not.toHaveAttribute('value');
    report({ phase: 'syncing', records: 2600, messages: 2500, bytes: 1, cursor: 2600, head: 10400, rate: 5000, eta_secs: 1.5, fraction: 0.25 });
    await waitFor(() => expect(screen.getByText('25% · 2,500 条消息 · 约 2 秒')).toBeInTheDocument());
    const bar = document.querySelector('progress')!;
    expect(bar.value).toBe(0.25);
    expect(bar.max).toBe(1);
    finish();
    await waitFor(() => expect(document.querySelector('progress')).toBeNull());
    expect(screen.getByRole('button', { name: '立即同步' })).toBeEnabled();
  });
});

describe('SyncStrip after a failed sync', () => {
  it('shows the failure the backend reports, by its code', async () => {
    renderWith(
      SyncStrip,
      { pollMs: 0 },
      fakeBackend({}, { sync: { state: 'error', online: false, error: { code: 'sign_in_required', message: 'token expired' } } }),
    );
    const error = await screen.findByText('需要重新登录服务器');
    expect(error).toHaveAttribute('title', 'token expired');
    expect(screen.getByText('离线')).toBeInTheDocument();
  });
});

describe('SyncStrip without a sync command', () => {
  it('says what failed instead of a generic error', async () => {
    renderWith(SyncStrip, { pollMs: 0 }, fakeBackend({ syncStatus: () => Promise.reject('Command sync_status not found') }));
    const error = await screen.findByText('应用外壳拒绝了此请求');
    expect(error).toHaveAttribute('data-code', 'ipc');
    expect(error).toHaveAttribute('title', 'Command sync_status not found');
  });
});
