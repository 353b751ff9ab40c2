// Transport types of the shell's commands. They mirror `src-tauri/src/commands.rs` and
// `src-tauri/src/error.rs`; once `crates/api` exists they are generated from Rust (DESIGN.md
// "Types across the boundary") and this file is replaced by the generated one.

/** What `app_info` returns: shown in the footer. */
export interface AppInfo {
  /** The application version (the Cargo workspace version). */
  version: string;
  /** Operating system as Rust names it: `linux`, `windows`, `macos`. */
  os: string;
  /** CPU architecture as Rust names it: `x86_64`, `aarch64`. */
  arch: string;
  /** Version of the system webview, when the shell could read it. */
  webview: string | null;
}

/** Arguments of `connect_server` (`crates/api` `ConnectRequest`). */
export interface ConnectRequest {
  server_url: string;
  user: string;
  password: string;
  /** Protect the new profile with this passphrase instead of the OS credential store. */
  passphrase: string | null;
}

/** The serialised error every command rejects with: `{code, message}`. */
export interface ApiErrorPayload {
  code: string;
  message: string;
}

/**
 * Error codes the UI acts on.
 *
 * - `ipc`: Tauri itself refused the call (command unknown, or not allowed by the capability).
 * - `no_backend`: the page runs outside the desktop shell (a plain browser).
 * - `unknown`: anything else; the message says what happened.
 * - the rest are `crates/api`'s `ErrorCode`s.
 */
export const ERROR_CODES = [
  'ipc',
  'no_backend',
  'unknown',
  // The codes of `crates/api`'s ApiError.
  'bad_input',
  'wrong_passphrase',
  'not_found',
  'busy',
  'lease_expired',
  'sign_in_required',
  'forbidden',
  'account_disabled',
  'conflict',
  'offline',
  'integrity',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
