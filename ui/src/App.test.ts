import { render, screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import App from './App.svelte';
import { BackendError } from './lib/backend';
import { i18n } from './lib/i18n/index.svelte';
import { theme } from './lib/theme/index.svelte';
import { fakeBackend } from './test/fake-backend';

beforeEach(() => {
  localStorage.clear();
  i18n.setLocale('zh-CN');
  theme.set('system');
});

afterEach(() => {
  i18n.setLocale('zh-CN');
});

describe('language switch', () => {
  it('shows Chinese by default and English after switching, and back', async () => {
    const user = userEvent.setup();
    render(App, { backend: fakeBackend() });
    await screen.findByRole('heading', { level: 1 });

    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Dossier 会话存档审阅');
    expect(screen.getByRole('button', { name: '连接' })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe('zh-CN');

    await user.click(screen.getByRole('button', { name: 'English' }));

    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Dossier chat archive review');
    expect(screen.getByLabelText('Server URL')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Open demo' })).toBeInTheDocument();
    expect(screen.queryByText('连接服务器')).toBeNull();
    expect(document.documentElement.lang).toBe('en');
    expect(localStorage.getItem('dossier.locale')).toBe('en');

    await user.click(screen.getByRole('button', { name: '中文' }));
    expect(screen.getByRole('heading', { level: 1 })).toHaveTextContent('Dossier 会话存档审阅');
  });
});

describe('theme switch', () => {
  it('pins dark and light on <html> and returns to the system setting', async () => {
    const user = userEvent.setup();
    render(App, { backend: fakeBackend() });
    await screen.findByRole('heading', { level: 1 });

    expect(document.documentElement.dataset.theme).toBeUndefined();
    await user.click(screen.getByRole('button', { name: '深色' }));
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(screen.getByRole('button', { name: '深色' })).toHaveAttribute('aria-pressed', 'true');
    await user.click(screen.getByRole('button', { name: '浅色' }));
    expect(document.documentElement.dataset.theme).toBe('light');
    await user.click(screen.getByRole('button', { name: '跟随系统' }));
    expect(document.documentElement.dataset.theme).toBeUndefined();
  });
});

describe('first-run screen', () => {
  it('sends the connect form to the backend and shows its typed error', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend();
    render(App, { backend });
    await screen.findByRole('heading', { level: 1 });

    await user.type(screen.getByLabelText('服务器地址'), ' https://archive.example.com ');
    await user.type(screen.getByLabelText('用户名'), 'zhang.wei');
    await user.type(screen.getByLabelText('密码'), 's3cret');
    await user.click(screen.getByRole('button', { name: '连接' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveAttribute('data-code', 'sign_in_required');
    expect(alert).toHaveTextContent('需要重新登录服务器');
    expect(alert).toHaveTextContent('wrong account name or password');
    expect(backend.connects).toEqual([
      { server_url: 'https://archive.example.com', user: 'zhang.wei', password: 's3cret', passphrase: null },
    ]);

    await user.click(screen.getByRole('button', { name: '关闭' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('sends a passphrase for the new profile when asked to use one instead of the keychain', async () => {
    const user = userEvent.setup();
    const backend = fakeBackend({ connectServer: (request) => (backend.connects.push(request), Promise.resolve()) });
    render(App, { backend, pollMs: 0 });
    await screen.findByRole('heading', { level: 1 });

    await user.type(screen.getByLabelText('服务器地址'), 'https://archive.example.com');
    await user.type(screen.getByLabelText('用户名'), 'auditor');
    await user.type(screen.getByLabelText('密码'), 'pw');
    expect(screen.queryByLabelText('本地口令（至少 8 位）')).toBeNull();
    await user.click(screen.getByLabelText('用口令保护本地数据（不使用系统钥匙串）'));
    await user.type(screen.getByLabelText('本地口令（至少 8 位）'), 'correct horse');
    await user.click(screen.getByRole('button', { name: '连接' }));

    expect(backend.connects).toEqual([
      { server_url: 'https://archive.example.com', user: 'auditor', password: 'pw', passphrase: 'correct horse' },
    ]);
    // Connected: the app browses the new profile.
    expect(await screen.findAllByTestId('employee-row')).not.toHaveLength(0);
  });

  it('shows the error of open demo', async () => {
    const user = userEvent.setup();
    render(App, { backend: fakeBackend() });
    await screen.findByRole('heading', { level: 1 });

    await user.click(screen.getByRole('button', { name: '打开演示' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveAttribute('data-code', 'offline');
    expect(alert).toHaveTextContent('the demo server did not start');
  });

  it('shows an ACL refusal as a shell error, not as a crash', async () => {
    const user = userEvent.setup();
    render(App, {
      backend: fakeBackend({ openDemo: () => Promise.reject('Command open_demo not allowed by ACL') }),
    });
    await screen.findByRole('heading', { level: 1 });

    await user.click(screen.getByRole('button', { name: '打开演示' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveAttribute('data-code', 'ipc');
    expect(alert).toHaveTextContent('Command open_demo not allowed by ACL');
  });
});

describe('footer', () => {
  it('shows the version and platform the backend reports', async () => {
    render(App, { backend: fakeBackend() });

    const footer = screen.getByTestId('app-info');
    expect(await screen.findByText('版本 0.1.0')).toBeInTheDocument();
    expect(footer).toHaveTextContent('linux x86_64');
  });

  it('says so when app info cannot be read', async () => {
    render(App, {
      backend: fakeBackend({ appInfo: () => Promise.reject(new BackendError('no_backend', 'plain browser')) }),
    });

    expect(await screen.findByText('无法读取应用信息')).toBeInTheDocument();
  });
});

describe('start-up', () => {
  const profile = {
    id: 'work',
    name: '总部存档',
    server_url: 'https://archive.example.com',
    user: 'li',
    key_source: 'os_keyring' as const,
    last_opened_at: null,
  };

  it('offers saved profiles and browses once one is open', async () => {
    const user = userEvent.setup();
    render(App, { backend: fakeBackend({}, { profiles: [profile] }), pollMs: 0 });
    await user.click(await screen.findByRole('button', { name: /总部存档/ }));
    expect(await screen.findByTestId('entity-list')).toBeInTheDocument();
    expect(await screen.findByTestId('sync-strip')).toBeInTheDocument();

    // Locking closes the session and returns to the picker.
    await user.click(screen.getByRole('button', { name: '锁定' }));
    expect(await screen.findByRole('button', { name: /总部存档/ })).toBeInTheDocument();
    expect(screen.queryByTestId('entity-list')).toBeNull();
  });

  it('goes straight to browsing when a session is open', async () => {
    render(App, { backend: fakeBackend({}, { session: { profile, role: 'reviewer' } }), pollMs: 0 });
    expect(await screen.findAllByTestId('employee-row')).not.toHaveLength(0);
  });
});

describe('demo', () => {
  it('browses once the demo opened, even where the shell has no session commands yet', async () => {
    const user = userEvent.setup();
    const missing = () => Promise.reject('Command current_session not found');
    render(App, {
      backend: fakeBackend({ openDemo: () => Promise.resolve(), currentSession: missing, listProfiles: missing }),
      pollMs: 0,
    });
    await user.click(await screen.findByRole('button', { name: '打开演示' }));
    expect(await screen.findAllByTestId('employee-row')).not.toHaveLength(0);
  });

  it('opens the demo as the read-only auditor from its own button', async () => {
    const user = userEvent.setup();
    const asked: (string | undefined)[] = [];
    const missing = () => Promise.reject('Command current_session not found');
    render(App, {
      backend: fakeBackend({
        openDemo: (who) => {
          asked.push(who);
          return Promise.resolve();
        },
        currentSession: missing,
        listProfiles: missing,
      }),
      pollMs: 0,
    });
    await user.click(await screen.findByRole('button', { name: '以审计员身份打开（只读）' }));
    expect(asked).toEqual(['auditor']);
    expect(await screen.findAllByTestId('employee-row')).not.toHaveLength(0);
  });
});
