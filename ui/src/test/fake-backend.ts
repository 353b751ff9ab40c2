import type { AppInfo, Backend, ConnectRequest } from '../lib/backend';
import { BackendError } from '../lib/backend';

/** A backend that answers like today's shell: app info, and `not_available` for the rest. */
export function fakeBackend(overrides: Partial<Backend> = {}): Backend & { connects: ConnectRequest[] } {
  const connects: ConnectRequest[] = [];
  const info: AppInfo = { version: '0.1.0', os: 'linux', arch: 'x86_64', webview: null };
  return {
    connects,
    appInfo: () => Promise.resolve(info),
    connectServer: (request) => {
      connects.push(request);
      return Promise.reject(new BackendError('not_available', 'the archive server is not built yet'));
    },
    openDemo: () => Promise.reject(new BackendError('not_available', 'the demo archive is not built yet')),
    ...overrides,
  };
}
