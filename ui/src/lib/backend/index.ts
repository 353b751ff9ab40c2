// Every call the UI makes to the Rust side goes through the `Backend` interface. Components get
// it from `getBackend()` (a Svelte context set by the root); tests pass a fake.
import { getContext, setContext } from 'svelte';

import type {
  ConversationInfo,
  ConversationKey,
  ConversationPage,
  CustomerDetails,
  CustomerSummary,
  EmployeeDetails,
  GroupSummary,
  MediaRequest,
  OrgOverview,
  PageRequest,
  PartnerSummary,
  ProfileSummary,
  SaveCopyRequest,
  SessionInfo,
  SyncProgress,
  SyncStatus,
  UserId,
} from './dto';
import type {
  AnnotationFilter,
  AnnotationInput,
  AnnotationView,
  ConflictView,
  LexiconPreview,
  RescanProgress,
  RescanSummary,
  RuleSetView,
  SearchPage,
  SearchRequest,
  Severity,
  ViolationPage,
  ViolationQuery,
} from './review-types';
import { tauriBackend } from './tauri';
import type { AppInfo, ConnectRequest } from './types';

import { BackendError } from './error';
export { BackendError, toBackendError } from './error';
export type { AppInfo, ConnectRequest, ErrorCode, ApiErrorPayload } from './types';
export type * from './dto';
export type * from './review-types';

/**
 * The operations the UI performs. Every method rejects with a `BackendError`. Each method is one
 * shell command, named in snake_case (`orgOverview` → `org_overview`, see tauri.ts).
 */
export interface Backend {
  /** Version and platform of the running app. */
  appInfo(): Promise<AppInfo>;
  /** Sign in to an archive server (creates a profile and opens it). */
  connectServer(request: ConnectRequest): Promise<void>;
  /** Open the bundled demo archive. */
  /** Open the bundled demo, signed in as its reviewer (default) or its read-only auditor. */
  openDemo(user?: DemoUser): Promise<void>;

  /** Local profiles, for the picker. */
  listProfiles(): Promise<ProfileSummary[]>;
  /** Open a profile; `passphrase` for a passphrase-protected one, `null` for the OS keyring. */
  openProfile(id: string, passphrase: string | null): Promise<void>;
  /** The open session, or `null` when no profile is open (first run, locked). */
  currentSession(): Promise<SessionInfo | null>;
  /** Close the open profile (lock it). */
  closeProfile(): Promise<void>;

  /** Sync state, for the status strip. */
  syncStatus(): Promise<SyncStatus>;
  /** Sync now, reporting progress through `onProgress` (a Tauri Channel under the hood). */
  syncNow(onProgress: (progress: SyncProgress) => void): Promise<void>;

  /** Departments and employees with their counts. */
  orgOverview(): Promise<OrgOverview>;
  /** The chat partners of an employee: customers, colleagues, groups. */
  employeePartners(userid: UserId): Promise<PartnerSummary[]>;
  /** Customers, for the customer-first entry point. */
  listCustomers(): Promise<CustomerSummary[]>;
  /** The employees a customer talked with (rows of kind `colleague` point at the employee). */
  customerPartners(externalUserid: UserId): Promise<PartnerSummary[]>;
  /** Groups, for the group-first entry point. */
  listGroups(): Promise<GroupSummary[]>;

  /** Title, participants and extent of a conversation. */
  conversationInfo(conversation: ConversationKey): Promise<ConversationInfo>;
  /** One page of a conversation around an anchor; never the whole conversation. */
  conversationPage(request: PageRequest): Promise<ConversationPage>;

  customerDetails(externalUserid: UserId): Promise<CustomerDetails>;
  employeeDetails(userid: UserId): Promise<EmployeeDetails>;

  /** A URL the webview can load a media file from (the shell's media protocol), or `null` when
   *  the file is not in the cache. */
  mediaUrl(request: MediaRequest): Promise<string | null>;
  /** Save a decrypted copy of a media file into the Downloads folder (after the UI's confirmation;
   *  never over an existing file); the path written. `null` from a backend that cannot save. */
  saveMediaCopy(request: SaveCopyRequest): Promise<string | null>;
  /** Open a link in the system browser. */
  openExternal(url: string): Promise<void>;

  // ------------------------------------------------------------ review (issue 10)
  /** Full-text search in the query language (`bad_input` with a message for a malformed query);
   *  the query is recorded as recent and audited. */
  search(request: SearchRequest): Promise<SearchPage>;
  /** The account's recent queries, newest first. */
  recentSearches(): Promise<string[]>;
  /** One page of rule hits (the violation centre). */
  violations(query: ViolationQuery): Promise<ViolationPage>;
  annotations(filter: AnnotationFilter): Promise<AnnotationView[]>;
  /** Create (`id: null`) or edit an annotation; `forbidden` for auditors. */
  saveAnnotation(input: AnnotationInput): Promise<AnnotationView>;
  deleteAnnotation(id: string): Promise<void>;
  annotationConflicts(): Promise<ConflictView[]>;
  resolveConflict(id: number, keep: 'mine' | 'theirs'): Promise<void>;
  /** Server rules and lexicons, and the local lexicons. */
  ruleSet(): Promise<RuleSetView>;
  /** How many cached messages a word list would hit, with a few samples. */
  previewLexicon(words: string[]): Promise<LexiconPreview>;
  /** Save a local lexicon and re-scan the cache, reporting progress. */
  saveLexicon(
    name: string,
    words: string[],
    severity: Severity,
    onProgress: (progress: RescanProgress) => void,
  ): Promise<RescanSummary>;
  deleteLexicon(name: string): Promise<RescanSummary>;
  /** The reader has seen a conversation up to `anchor` (its newest message). */
  markRead(conversation: ConversationKey, anchor: { msgtime: number; id: number }): Promise<void>;
}

/** The demo's accounts. */
export type DemoUser = 'reviewer' | 'auditor';

const KEY = Symbol('dossier.backend');

/** Make `backend` available to every component below the caller. */
export function provideBackend(backend: Backend): void {
  setContext(KEY, backend);
}

/** A context map providing `backend`, for mounting a component alone (tests). */
export function backendContext(backend: Backend): Map<symbol, Backend> {
  return new Map([[KEY, backend]]);
}

/** The backend provided by an ancestor component. */
export function getBackend(): Backend {
  const backend = getContext<Backend | undefined>(KEY);
  if (!backend) throw new Error('no Backend provided: call provideBackend() in the root component');
  return backend;
}

/**
 * The backend of this page: the desktop shell's IPC; or, when the page was opened as
 * `…/#bridge=<token>` (browser tests against `crates/bridge`), the loopback HTTP bridge. Which
 * transport is the business of this folder alone.
 */
export async function pageBackend(): Promise<Backend> {
  const hash = typeof window === 'undefined' ? '' : window.location.hash;
  if (!hash.includes('bridge=')) return tauriBackend;
  const { bridgeToken, httpBackend } = await import('./http');
  const token = bridgeToken(hash);
  if (!token) throw new BackendError('no_backend', 'the #bridge= token in the address is malformed');
  return httpBackend(token);
}
