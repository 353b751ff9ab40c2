// The only module (with its siblings in this folder) that imports `@tauri-apps/*` (STYLE.md).
import { Channel, invoke } from '@tauri-apps/api/core';

import * as adapt from './adapt';
import type * as api from './api-types';
import type { SyncProgress, SyncStatus } from './dto';
import type * as review from './review-types';
import { BackendError, toBackendError } from './error';
import type { Backend } from './index';
import type { AppInfo } from './types';

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
  // Progress of the first sync also reaches the sync strip through `sync_status`.
  connectServer: (request) =>
    call<api.SessionInfo>('connect_server', { request, onProgress: new Channel<SyncProgress>() }).then(() => {}),
  openDemo: (user = 'reviewer') =>
    call<api.SessionInfo>('open_demo', { user, onProgress: new Channel<SyncProgress>() }).then(() => {}),

  listProfiles: () => call<api.ProfileEntry[]>('list_profiles').then((list) => list.map(adapt.profileEntry)),
  openProfile: (id, passphrase) => call<void>('open_profile', { id, passphrase }),
  currentSession: () =>
    call<api.SessionInfo | null>('current_session').then((info) => (info ? adapt.sessionInfo(info) : null)),
  closeProfile: () => call<void>('close_profile'),

  syncStatus: () => call<SyncStatus>('sync_status'),
  syncNow: (onProgress) => {
    const channel = new Channel<SyncProgress>();
    channel.onmessage = onProgress;
    return call<void>('sync_now', { onProgress: channel });
  },

  // Browsing: the `crates/api` browse functions, registered under their own names; arguments
  // in camelCase as Tauri expects. Results pass through `adapt` into the UI's view types.
  orgOverview: () => call<api.Directory>('directory').then(adapt.orgOverview),
  employeePartners: (userid) => call<api.Partners>('partners', { participant: userid }).then(adapt.partners),
  listCustomers: () => call<api.CustomerRow[]>('customers').then(adapt.customers),
  customerPartners: (externalUserid) =>
    call<api.Partners>('partners', { participant: externalUserid }).then(adapt.partners),
  listGroups: () => call<api.GroupRow[]>('groups').then(adapt.groups),

  conversationInfo: (conversation) =>
    call<api.ConversationInfo>('conversation', { conversation }).then(adapt.conversationInfo),
  conversationPage: ({ conversation, anchor, limit }) =>
    call<api.ConversationPage>('conversation_page', { conversation, at: adapt.pageAt(anchor), limit }).then(
      adapt.conversationPage,
    ),

  customerDetails: (externalUserid) =>
    call<api.CustomerDetails>('customer_details', { customer: externalUserid }).then(adapt.customerDetails),
  employeeDetails: (userid) => call<api.EmployeeDetails>('employee_details', { userid }).then(adapt.employeeDetails),

  mediaUrl: (request) => call<string | null>('media_url', { request }),
  saveMediaCopy: (request) => call<string | null>('save_media_copy', { request }),
  openExternal: (url) => call<void>('open_external', { url }),

  // Review (issue 10): the transport types are the view types.
  search: (request) => call<review.SearchPage>('search', { ...request }),
  recentSearches: () => call<string[]>('recent_searches'),
  violations: (query) => call<review.ViolationPage>('violations', { query }),
  annotations: (filter) => call<review.AnnotationView[]>('annotations', { filter }),
  saveAnnotation: (input) => call<review.AnnotationView>('save_annotation', { input }),
  deleteAnnotation: (id) => call<null>('delete_annotation', { id }).then(() => {}),
  annotationConflicts: () => call<review.ConflictView[]>('annotation_conflicts'),
  resolveConflict: (id, keep) => call<null>('resolve_conflict', { id, keep }).then(() => {}),
  ruleSet: () => call<review.RuleSetView>('rule_set'),
  previewLexicon: (words) => call<review.LexiconPreview>('preview_lexicon', { words }),
  // Progress as sync_now's: a Channel in the shell; over the bridge it is not delivered and the
  // page shows an indeterminate bar until the summary arrives.
  saveLexicon: (name, words, severity, onProgress) => {
    const channel = new Channel<review.RescanProgress>();
    channel.onmessage = onProgress;
    return call<review.RescanSummary>('save_lexicon', { name, words, severity, onProgress: channel });
  },
  deleteLexicon: (name) => call<review.RescanSummary>('delete_lexicon', { name }),
  markRead: (conversation, anchor) => call<null>('mark_read', { conversation, anchor }).then(() => {}),
};
