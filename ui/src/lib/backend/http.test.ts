/// <reference types="node" />
// The bridge transport against a loopback HTTP server standing in for `crates/bridge` (the real
// bridge is driven by ui/e2e/browser.mjs): what goes on the wire, and how failures come back.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { BackendError } from './error';
import { bridgeToken, httpBackend } from './http';

const TOKEN = 'ab'.repeat(32);

describe('bridgeToken', () => {
  it('reads a hex token from the fragment and nothing else', () => {
    expect(bridgeToken(`#bridge=${TOKEN}`)).toBe(TOKEN);
    expect(bridgeToken(`#x=1&bridge=${TOKEN}`)).toBe(TOKEN);
    expect(bridgeToken('#bridge=')).toBeNull();
    expect(bridgeToken('#bridge=not-hex-at-all-not-hex-at-all-not-hex')).toBeNull();
    expect(bridgeToken(`#token=${TOKEN}`)).toBeNull();
  });
});

describe('httpBackend', () => {
  const seen: { url: string; auth: string | undefined; body: string }[] = [];
  let server: Server;
  let base = '';

  const body = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => resolve(text));
    });

  beforeAll(async () => {
    server = createServer((req, res) => {
      void body(req).then((text) => {
        seen.push({ url: req.url ?? '', auth: req.headers.authorization, body: text });
        if (req.url === '/api/employee_details') {
          res.writeHead(404, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ code: 'not_found', message: 'no employee x' }));
        } else if (req.url === '/api/groups') {
          res.writeHead(502);
          res.end('bad gateway');
        } else {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ version: '0.1.0', os: 'linux', arch: 'x86_64', webview: null }));
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('posts the command with its arguments and the bearer token', async () => {
    const backend = httpBackend(TOKEN, base);
    await expect(backend.appInfo()).resolves.toMatchObject({ os: 'linux' });
    await backend.employeeDetails('zhangwei').catch(() => {});
    expect(seen[0]).toEqual({ url: '/api/app_info', auth: `Bearer ${TOKEN}`, body: '{}' });
    expect(seen[1]).toEqual({ url: '/api/employee_details', auth: `Bearer ${TOKEN}`, body: '{"userid":"zhangwei"}' });
  });

  it('rejects with the api error the bridge sent, or ipc when it sent none', async () => {
    const backend = httpBackend(TOKEN, base);
    const missing = backend.employeeDetails('x');
    await expect(missing).rejects.toBeInstanceOf(BackendError);
    await expect(missing).rejects.toMatchObject({ code: 'not_found', message: 'no employee x' });
    await expect(backend.listGroups()).rejects.toMatchObject({ code: 'ipc', message: 'bridge answered 502 Bad Gateway' });
  });

  it('says so when the bridge is gone', async () => {
    const backend = httpBackend(TOKEN, 'http://127.0.0.1:9');
    await expect(backend.appInfo()).rejects.toMatchObject({ code: 'ipc' });
  });
});

describe('pageBackend', () => {
  afterAll(() => {
    window.location.hash = '';
    delete (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__;
  });

  it('is the shell IPC without a bridge fragment, and the bridge with one', async () => {
    const { pageBackend } = await import('./index');
    const { tauriBackend } = await import('./tauri');
    window.location.hash = '';
    delete (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__;
    await expect(pageBackend()).resolves.toBe(tauriBackend);
    // Outside the shell the IPC backend refuses; once the bridge is chosen, calls go out over HTTP.
    await expect(tauriBackend.appInfo()).rejects.toMatchObject({ code: 'no_backend' });
    window.location.hash = `#bridge=${TOKEN}`;
    await pageBackend();
    expect('__TAURI_INTERNALS__' in window).toBe(true);
    window.location.hash = '#bridge=zzz';
    await expect(pageBackend()).rejects.toMatchObject({ code: 'no_backend' });
  });
});
