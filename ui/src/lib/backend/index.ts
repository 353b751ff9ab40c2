// Every call the UI makes to the Rust side goes through the `Backend` interface. Components get
// it from `getBackend()` (a Svelte context set by the root); tests pass a fake.
import { getContext, setContext } from 'svelte';

import type { AppInfo, ConnectRequest } from './types';

export { BackendError, toBackendError } from './error';
export type { AppInfo, ConnectRequest, ErrorCode, ApiErrorPayload } from './types';

/** The operations the UI performs. Every method rejects with a `BackendError`. */
export interface Backend {
  /** Version and platform of the running app. */
  appInfo(): Promise<AppInfo>;
  /** Sign in to an archive server. */
  connectServer(request: ConnectRequest): Promise<void>;
  /** Open the bundled demo archive. */
  openDemo(): Promise<void>;
}

const KEY = Symbol('dossier.backend');

/** Make `backend` available to every component below the caller. */
export function provideBackend(backend: Backend): void {
  setContext(KEY, backend);
}

/** The backend provided by an ancestor component. */
export function getBackend(): Backend {
  const backend = getContext<Backend | undefined>(KEY);
  if (!backend) throw new Error('no Backend provided: call provideBackend() in the root component');
  return backend;
}
