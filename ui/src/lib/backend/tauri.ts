// The only module (with its siblings in this folder) that imports `@tauri-apps/*` (STYLE.md).
import { invoke } from '@tauri-apps/api/core';

import { BackendError, toBackendError } from './error';
import type { Backend } from './index';
import type { AppInfo, ConnectRequest } from './types';

/** True when the page runs inside the Tauri shell (Tauri injects its IPC internals). */
function insideShell(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  if (!insideShell()) {
    throw new BackendError(
      'no_backend',
      `"${command}" needs the Dossier desktop shell; this page runs in a plain browser`,
    );
  }
  try {
    return await invoke<T>(command, args);
  } catch (raw) {
    throw toBackendError(raw);
  }
}

/** The backend as the desktop shell provides it, over Tauri IPC. */
export const tauriBackend: Backend = {
  appInfo: () => call<AppInfo>('app_info'),
  connectServer: (request: ConnectRequest) => call<void>('connect_server', { request }),
  openDemo: () => call<void>('open_demo'),
};
