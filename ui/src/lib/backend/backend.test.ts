import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';

import { BackendError, toBackendError } from './error';
import { tauriBackend } from './tauri';

describe('toBackendError', () => {
  it('keeps a known code and message from a command error', () => {
    const error = toBackendError({ code: 'lease_expired', message: 'the offline lease ran out' });
    expect(error).toBeInstanceOf(BackendError);
    expect(error.code).toBe('lease_expired');
    expect(error.message).toBe('the offline lease ran out');
  });

  it('maps an unknown code to `unknown`, keeping the original code in the message', () => {
    const error = toBackendError({ code: 'vault_locked', message: 'unlock first' });
    expect(error.code).toBe('unknown');
    expect(error.message).toBe('vault_locked: unlock first');
  });

  it('maps a bare string (how Tauri itself refuses a call) to `ipc`', () => {
    const error = toBackendError('Command open_demo not allowed by ACL');
    expect(error.code).toBe('ipc');
    expect(error.message).toBe('Command open_demo not allowed by ACL');
  });

  it('maps a thrown Error to `unknown` with its message', () => {
    const error = toBackendError(new TypeError('x is not a function'));
    expect(error.code).toBe('unknown');
    expect(error.message).toBe('x is not a function');
  });

  it('does not trust an object whose fields have the wrong types', () => {
    const error = toBackendError({ code: 42, message: null });
    expect(error.code).toBe('unknown');
    expect(error.message).toBe('{"code":42,"message":null}');
  });

  it('returns a BackendError unchanged', () => {
    const original = new BackendError('ipc', 'denied');
    expect(toBackendError(original)).toBe(original);
  });
});

describe('tauriBackend', () => {
  afterEach(() => clearMocks());

  it('rejects with no_backend outside the desktop shell, without calling anything', async () => {
    await expect(tauriBackend.appInfo()).rejects.toMatchObject({ code: 'no_backend' });
  });

  it('returns what app_info answers', async () => {
    const info = { version: '0.1.0', os: 'linux', arch: 'x86_64', webview: '2.48.0' };
    mockIPC((cmd) => (cmd === 'app_info' ? info : undefined));
    await expect(tauriBackend.appInfo()).resolves.toEqual(info);
  });

  it('sends connect_server its request and maps the typed error', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      throw { code: 'sign_in_required', message: 'wrong account name or password' };
    });

    const request = { server_url: 'https://a.example', user: 'li', password: 'pw', passphrase: null };
    const failure = tauriBackend.connectServer(request);

    await expect(failure).rejects.toBeInstanceOf(BackendError);
    await expect(failure).rejects.toMatchObject({
      code: 'sign_in_required',
      message: 'wrong account name or password',
    });
    expect(calls).toHaveLength(1);
    const [command, args] = calls[0] as [string, { request: unknown; onProgress: unknown }];
    expect(command).toBe('connect_server');
    expect(args.request).toEqual(request);
    expect(args.onProgress).toBeDefined();
  });

  it('maps a refusal by Tauri to ipc', async () => {
    mockIPC(() => {
      throw 'Command open_demo not allowed by ACL';
    });
    await expect(tauriBackend.openDemo()).rejects.toMatchObject({ code: 'ipc' });
  });
});
