// The API's transport types (api-types.ts, generated from `crates/api`) turned into the view types
// the components read (dto.ts). Only this file knows both, so an API change is absorbed here.
import type * as api from './api-types';
import type {
  Content,
  ConversationEntry,
  ConversationInfo,
  ConversationPage,
  CustomerDetails,
  CustomerSummary,
  Department,
  EmployeeDetails,
  EmployeeSummary,
  GroupSummary,
  Message,
  OrgOverview,
  PageAnchor,
  Participant,
  PartnerSummary,
  ProfileSummary,
  SessionInfo,
} from './dto';

export function participant(person: api.Person, corpName: string | null = null): Participant {
  return { id: person.id, name: person.name, kind: person.side, corp_name: corpName };
}

function summary(row: api.EmployeeRow): EmployeeSummary {
  return {
    employee: {
      userid: row.userid,
      name: row.name,
      department: row.departments,
      main_department: row.main_department,
      position: row.position,
      status: row.status,
    },
    counts: {
      conversations_with_hits: row.stats.conversations_with_hits,
      conversations: row.stats.conversations,
      // Review status arrives with issue 10; until then every hit is open.
      hits_open: row.stats.hits,
      hits: row.stats.hits,
    },
  };
}

/** The department tree flattened to parent links, siblings in the org's order. */
function flatten(nodes: api.DepartmentNode[], parentid: number, out: Department[]): Department[] {
  nodes.forEach((node, order) => {
    out.push({ id: node.id, name: node.name, parentid, order });
    flatten(node.children, node.id, out);
  });
  return out;
}

export function orgOverview(directory: api.Directory): OrgOverview {
  return {
    departments: flatten(directory.departments, 0, []),
    employees: [...directory.employees, ...directory.departed].map(summary),
  };
}

function partner(p: api.Partner, kind: PartnerSummary['kind']): PartnerSummary {
  return {
    conversation: p.conversation,
    kind,
    id: p.person?.id ?? p.roomid ?? p.conversation,
    name: p.name,
    corp_name: null,
    dismissed: p.dismissed,
    last_msgtime: p.last_time,
    messages: p.messages,
    hits: p.hits,
  };
}

export function partners(list: api.Partners): PartnerSummary[] {
  return [
    ...list.customers.map((p) => partner(p, 'customer')),
    ...list.employees.map((p) => partner(p, 'colleague')),
    ...list.groups.map((p) => partner(p, 'group')),
  ];
}

export function customers(rows: api.CustomerRow[]): CustomerSummary[] {
  return rows.map((row) => ({
    external_userid: row.person.id,
    name: row.person.name,
    corp_name: row.corp_name,
    employees: row.followers.length,
    last_msgtime: row.stats.last_time,
    hits: row.stats.hits,
  }));
}

export function groups(rows: api.GroupRow[]): GroupSummary[] {
  return rows.map((row) => ({
    conversation: row.conversation,
    roomid: row.roomid,
    name: row.name,
    kind: row.customers > 0 ? 'customer' : 'internal',
    members: row.members,
    dismissed_at: row.dismissed_at,
    last_msgtime: row.last_time,
    hits: row.hits,
  }));
}

export function conversationInfo(info: api.ConversationInfo): ConversationInfo {
  const people = info.participants.map((p) => participant(p));
  return {
    conversation: info.conversation,
    title: info.title,
    kind: info.kind === 'group' ? 'group' : people.some((p) => p.kind !== 'employee') ? 'customer' : 'colleague',
    dismissed: info.dismissed,
    messages: info.messages,
    participants: people,
    first_msgtime: info.messages ? info.first_time : null,
    last_msgtime: info.messages ? info.last_time : null,
    review: info.hits > 0 ? info.review : undefined,
    annotations: info.annotations,
  };
}

export function pageAt(anchor: PageAnchor): api.PageAt {
  const row = (cursor: { time: number; id: string }): api.PageAnchor => ({ msgtime: cursor.time, id: Number(cursor.id) });
  switch (anchor.kind) {
    case 'latest':
      return { at: 'newest' };
    case 'before':
      return { at: 'before', anchor: row(anchor.cursor) };
    case 'after':
      return { at: 'after', anchor: row(anchor.cursor) };
    case 'at':
      return anchor.time <= 0 ? { at: 'oldest' } : { at: 'date', time: anchor.time };
    case 'message':
      return { at: 'around', msgid: anchor.msgid };
  }
}

/** Content as the API sends it is the model's JSON; a missing or non-string msgtype is unknown. */
function content(raw: Record<string, unknown> | null): Content {
  if (raw && typeof raw.msgtype === 'string') return raw as unknown as Content;
  return { msgtype: 'unknown', name: '', raw };
}

function message(view: api.MessageView, raw: Record<string, unknown>, msgid = view.msgid): Message {
  return {
    msgid,
    action: view.action,
    from: view.sender.id,
    tolist: [],
    msgtime: view.msgtime,
    content: content(raw),
  };
}

export function conversationPage(page: api.ConversationPage): ConversationPage {
  const entries: ConversationEntry[] = page.messages.map((view) => {
    const original = view.revokes;
    return {
      entry: 'message',
      message: message(view, view.content),
      cursor: { time: view.msgtime, id: String(view.id) },
      sender: participant(view.sender),
      media: view.media ? { stored: view.media.stored, mime: view.media.mime, thumbnail: view.media.thumbnail } : null,
      recalled_at: view.revoked?.at ?? null,
      text: view.text,
      hits: view.hits,
      annotations: view.annotations,
      original:
        original && original.found && original.content
          ? { ...message(view, original.content, original.msgid), action: 'send' }
          : null,
    };
  });
  const focus = page.focus === null ? -1 : page.messages.findIndex((m) => m.msgid === page.focus);
  return {
    entries,
    has_older: page.more_before,
    has_newer: page.more_after,
    anchor_index: focus >= 0 ? focus : null,
  };
}

export function customerDetails(details: api.CustomerDetails): CustomerDetails {
  return {
    customer: participant(details.person, details.corp_name),
    contact_kind: details.contact_kind,
    corp_name: details.corp_name,
    corp_full_name: details.corp_full_name,
    position: details.position,
    followers: details.followers.map((f) => ({ ...f, employee: participant(f.employee) })),
    deletions: details.deletions.map((d) => ({ ...d, employee: participant(d.employee) })),
    status: details.status,
  };
}

export function employeeDetails(details: api.EmployeeDetails): EmployeeDetails {
  const s = summary(details.employee);
  return { employee: s.employee, counts: s.counts, department_names: details.department_names, customers: details.customers };
}

/** A profile id made by the api for a server account is `user@host-port`; others show as they are. */
function splitProfileId(id: string): { user: string; server_url: string } {
  const at = id.indexOf('@');
  return at > 0 ? { user: id.slice(0, at), server_url: id.slice(at + 1) } : { user: id, server_url: '' };
}

/** A profile in the picker: only what a locked profile shows (its id and how it unlocks). */
export function profileEntry(entry: api.ProfileEntry): ProfileSummary {
  return { id: entry.id, name: entry.id, ...splitProfileId(entry.id), key_source: entry.key_source, last_opened_at: null };
}

const ROLES = ['reviewer', 'supervisor', 'auditor', 'admin'] as const;

/** The open profile's binding (server, account, role). */
export function sessionInfo(info: api.SessionInfo): SessionInfo {
  const fromId = splitProfileId(info.profile_id);
  // Unknown or missing: the least privilege (the server enforces roles; the UI only hides actions).
  const role = ROLES.find((r) => r === info.role) ?? 'auditor';
  return {
    profile: {
      id: info.profile_id,
      name: info.profile_id,
      user: info.user ?? fromId.user,
      server_url: info.server ?? fromId.server_url,
      key_source: 'os_keyring',
      last_opened_at: null,
    },
    role,
  };
}
