// The only module (with its siblings in this folder) that imports `@tauri-apps/*` (STYLE.md).
import { Channel, invoke } from '@tauri-apps/api/core';

import type {
  ConversationInfo,
  ConversationPage,
  CustomerDetails,
  CustomerSummary,
  EmployeeDetails,
  GroupSummary,
  OrgOverview,
  PartnerSummary,
  ProfileSummary,
  SessionInfo,
  SyncProgress,
  SyncStatus,
} from './dto';
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
  connectServer: (request) => call<void>('connect_server', { request }),
  openDemo: () => call<void>('open_demo'),

  listProfiles: () => call<ProfileSummary[]>('list_profiles'),
  openProfile: (id, passphrase) => call<void>('open_profile', { id, passphrase }),
  currentSession: () => call<SessionInfo | null>('current_session'),
  closeProfile: () => call<void>('close_profile'),

  syncStatus: () => call<SyncStatus>('sync_status'),
  syncNow: (onProgress) => {
    const channel = new Channel<SyncProgress>();
    channel.onmessage = onProgress;
    return call<void>('sync_now', { onProgress: channel });
  },

  orgOverview: () => call<OrgOverview>('org_overview'),
  employeePartners: (userid) => call<PartnerSummary[]>('employee_partners', { userid }),
  listCustomers: () => call<CustomerSummary[]>('list_customers'),
  customerPartners: (externalUserid) => call<PartnerSummary[]>('customer_partners', { externalUserid }),
  listGroups: () => call<GroupSummary[]>('list_groups'),

  conversationInfo: (conversation) => call<ConversationInfo>('conversation_info', { conversation }),
  conversationPage: (request) => call<ConversationPage>('conversation_page', { request }),

  customerDetails: (externalUserid) => call<CustomerDetails>('customer_details', { externalUserid }),
  employeeDetails: (userid) => call<EmployeeDetails>('employee_details', { userid }),

  mediaUrl: (request) => call<string | null>('media_url', { request }),
  saveMediaCopy: (request) => call<string | null>('save_media_copy', { request }),
  openExternal: (url) => call<void>('open_external', { url }),
};
