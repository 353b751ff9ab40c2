// The backend over the loopback HTTP bridge (`crates/bridge`, development and tests only): the page
// is opened as `http://127.0.0.1:PORT/#bridge=<token>` and every call becomes
// `POST /api/<command>` with the token as a bearer.
//
// It carries the shell's IPC rather than restating the command table: `invoke(command, args)`
// turns into that POST with `args` as the JSON body, so a browser runs exactly the calls tauri.ts
// makes in the app (names, camelCase arguments, results through adapt) against the same
// `crates/api` functions. Progress channels are not bridged (they serialise to an id the bridge
// ignores); the sync strip polls `sync_status`. The app's CSP (`connect-src ipc:`) keeps this
// module from reaching anything inside the shell.
import type { Backend } from './index';
import { tauriBackend } from './tauri';

/** The bridge token in a URL fragment (`#bridge=<hex>`), or `null`. */
export function bridgeToken(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const token = params.get('bridge');
  return token && /^[0-9a-f]{32,128}$/.test(token) ? token : null;
}

/** A command's failure as the shell's IPC delivers it: the `{code, message}` body when the bridge
 *  sent one, else a string (which the backend maps to `ipc`, a refusal of the transport). */
async function failure(response: Response): Promise<unknown> {
  const text = await response.text();
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null && 'code' in body) return body;
  } catch {
    // not JSON: fall through
  }
  return `bridge answered ${response.status} ${response.statusText}`;
}

/** Routes the IPC of this page to the bridge at `base` (same origin when empty). */
function install(token: string, base: string): void {
  const callbacks = new Map<number, (data: unknown) => void>();
  let next = 1;
  const internals = {
    invoke: async (command: string, args?: Record<string, unknown>) => {
      const response = await fetch(`${base}/api/${encodeURIComponent(command)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(args ?? {}),
      }).catch((e: unknown) => {
        throw `the bridge cannot be reached: ${e instanceof Error ? e.message : String(e)}`;
      });
      if (!response.ok) throw await failure(response);
      return response.json();
    },
    // Channels register a callback; nothing calls it over the bridge.
    transformCallback: (callback: (data: unknown) => void) => {
      const id = next++;
      callbacks.set(id, callback);
      return id;
    },
    unregisterCallback: (id: number) => callbacks.delete(id),
  };
  (window as unknown as { __TAURI_INTERNALS__: unknown }).__TAURI_INTERNALS__ = internals;
}

/** The backend over the bridge with `token`, at `base` (default: this page's origin). */
export function httpBackend(token: string, base = ''): Backend {
  install(token, base);
  return tauriBackend;
}
