// Interim mirror of the `crates/api` browse types (crates/api/src/browse/*.rs, work in progress),
// as ts-rs will generate them into `generated/`. When they land this file becomes re-exports of
// the generated ones, and `adapt.ts` (API → UI view types) is checked by the compiler against them.

export type Side = 'employee' | 'customer' | 'robot';

export interface Person {
  id: string;
  name: string;
  side: Side;
}

export interface ChatStats {
  conversations: number;
  conversations_with_hits: number;
  hits: number;
  hit_messages: number;
  last_time: number | null;
}

export interface EmployeeRow {
  userid: string;
  name: string;
  position: string;
  departments: number[];
  main_department: number | null;
  /** `active`, `disabled`, `inactive`, `departed` or `other`. */
  status: string;
  departed: boolean;
  stats: ChatStats;
}

export interface DepartmentNode {
  id: number;
  name: string;
  children: DepartmentNode[];
  employees: string[];
}

export interface Directory {
  departments: DepartmentNode[];
  employees: EmployeeRow[];
  departed: EmployeeRow[];
}

export interface Partner {
  conversation: string;
  person: Person | null;
  roomid: string | null;
  name: string;
  dismissed: boolean;
  messages: number;
  last_time: number;
  hits: number;
  hit_messages: number;
}

export interface Partners {
  of: Person;
  customers: Partner[];
  employees: Partner[];
  groups: Partner[];
}

export interface CustomerRow {
  person: Person;
  corp_name: string | null;
  followers: string[];
  stats: ChatStats;
}

export interface GroupRow {
  conversation: string;
  roomid: string;
  name: string;
  owner: Person;
  members: number;
  customers: number;
  /** Seconds. */
  dismissed_at: number | null;
  messages: number;
  last_time: number | null;
  hits: number;
}

export interface ConversationInfo {
  conversation: string;
  kind: 'single' | 'group';
  title: string;
  participants: Person[];
  dismissed: boolean;
  messages: number;
  first_time: number;
  last_time: number;
  hits: number;
}

export interface PageAnchor {
  msgtime: number;
  id: number;
}

export type PageAt =
  | { at: 'newest' }
  | { at: 'oldest' }
  | { at: 'before'; anchor: PageAnchor }
  | { at: 'after'; anchor: PageAnchor }
  | { at: 'around'; msgid: string }
  | { at: 'date'; time: number };

export interface HitView {
  rule: string;
  kind: string;
  behaviour: boolean;
  severity: string;
  word: string | null;
  start: number;
  end: number;
}

export interface MediaView {
  sdkfileid: string;
  size: string | null;
  name: string | null;
  stored: boolean;
  mime: string | null;
  thumbnail: boolean;
}

export interface OriginalMessage {
  msgid: string;
  found: boolean;
  msgtype: string | null;
  text: string | null;
  content: Record<string, unknown> | null;
}

export interface MessageView {
  id: number;
  msgid: string;
  seq: string | null;
  msgtime: number;
  sender: Person;
  action: string;
  msgtype: string;
  text: string;
  content: Record<string, unknown>;
  revoked: { at: number } | null;
  revokes: OriginalMessage | null;
  hits: HitView[];
  annotations: number;
  media: MediaView | null;
}

export interface ConversationPage {
  messages: MessageView[];
  more_before: boolean;
  more_after: boolean;
  focus: string | null;
}

export interface TagView {
  group: string;
  name: string;
}

export interface Follower {
  employee: Person;
  remark: string;
  description: string;
  /** Seconds. */
  added_at: number;
  add_way: number | null;
  source: string | null;
  added_by: string | null;
  tags: TagView[];
}

export interface DeletionEvent {
  /** Seconds. */
  time: number;
  kind: 'employee_deleted_customer' | 'customer_deleted_employee' | 'transfer_failed';
  employee: Person;
  detail: string | null;
}

export interface CustomerDetails {
  person: Person;
  contact_kind: number | null;
  corp_name: string | null;
  corp_full_name: string | null;
  position: string | null;
  gender: number | null;
  followers: Follower[];
  deletions: DeletionEvent[];
  status: 'active' | 'deleted';
  stats: ChatStats;
}

export interface EmployeeDetails {
  employee: EmployeeRow;
  department_names: string[];
  customers: number;
}
