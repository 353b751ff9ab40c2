import { ERROR_CODES, type ErrorCode } from './types';

/** A failed backend call, mapped to a code the UI can act on and a human-readable message. */
export class BackendError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'BackendError';
    this.code = code;
  }
}

function isErrorCode(value: string): value is ErrorCode {
  return (ERROR_CODES as readonly string[]).includes(value);
}

/**
 * Map whatever a rejected `invoke` produced to a [`BackendError`].
 *
 * - `{code, message}` (our commands' serialised error): kept; a code the UI does not know
 *   becomes `unknown`, with the original code kept in the message so it is not lost.
 * - a bare string: Tauri's own refusals (`Command foo not found`, ACL denials) are strings.
 * - anything else: `unknown`, with the best description we can get.
 */
export function toBackendError(raw: unknown): BackendError {
  if (raw instanceof BackendError) return raw;
  if (typeof raw === 'object' && raw !== null && 'code' in raw && 'message' in raw) {
    const { code, message } = raw;
    if (typeof code === 'string' && typeof message === 'string') {
      return isErrorCode(code)
        ? new BackendError(code, message)
        : new BackendError('unknown', `${code}: ${message}`);
    }
  }
  if (typeof raw === 'string') return new BackendError('ipc', raw);
  if (raw instanceof Error) return new BackendError('unknown', raw.message);
  return new BackendError('unknown', safeDescribe(raw));
}

function safeDescribe(raw: unknown): string {
  try {
    return JSON.stringify(raw) ?? String(raw);
  } catch {
    return String(raw);
  }
}
