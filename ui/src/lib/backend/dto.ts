// Interim transport types for browsing, written by hand from `crates/model` (message.rs, org.rs)
// until `generated/` holds the types ts-rs derives from `crates/api`. Everything the UI reads
// about the archive comes from this one file, so switching to the generated types is a change
// here only. Field names follow serde's output of the Rust types (snake_case).

export type UserId = string;
export type RoomId = string;
export type MsgId = string;
/** A 64-bit number from Rust: the API sends it as a string (JSON numbers lose digits past 2^53). */
export type U64 = number | string;

// ---------------------------------------------------------------- messages (model/message.rs)

export interface ChatRecordItem {
  type: string;
  msgtime: number;
  from_chatroom: boolean;
  content: Content;
}

export interface NewsItem {
  title: string;
  description: string;
  url: string;
  picurl: string;
}

export interface RedPacket {
  type: number;
  wish: string;
  totalcnt: number;
  totalamount: U64;
}

/** `Content`: serde `tag = "msgtype"`, one variant per WeCom msgtype. */
export type Content =
  | { msgtype: 'text'; content: string }
  | { msgtype: 'image'; md5sum?: string; filesize?: U64; sdkfileid: string }
  | { msgtype: 'revoke'; pre_msgid: MsgId }
  | { msgtype: 'agree'; userid: UserId; agree_time: number }
  | { msgtype: 'disagree'; userid: UserId; disagree_time: number }
  | { msgtype: 'voice'; md5sum?: string; voice_size?: U64; play_length?: U64; sdkfileid: string }
  | { msgtype: 'video'; md5sum?: string; filesize?: U64; play_length?: U64; sdkfileid: string }
  | { msgtype: 'card'; corpname: string; userid: UserId }
  | { msgtype: 'location'; longitude: number; latitude: number; address: string; title: string; zoom?: number }
  | {
      msgtype: 'emotion';
      type: number;
      width?: number;
      height?: number;
      imagesize?: U64;
      md5sum?: string;
      sdkfileid: string;
      title?: string;
    }
  | { msgtype: 'file'; md5sum?: string; filename: string; fileext: string; filesize?: U64; sdkfileid: string }
  | { msgtype: 'link'; title: string; description: string; link_url: string; image_url?: string }
  | { msgtype: 'weapp'; title: string; description: string; username: string; displayname: string }
  | { msgtype: 'chatrecord'; title: string; item: ChatRecordItem[] }
  | { msgtype: 'todo'; title: string; content: string }
  | { msgtype: 'vote'; votetitle: string; voteitem: string[]; votetype: number; voteid: string; nested: boolean }
  | {
      msgtype: 'collect';
      room_name: string;
      creator: string;
      create_time: string;
      title: string;
      details: { id: U64; ques: string; type: string }[];
    }
  | ({ msgtype: 'redpacket' } & RedPacket)
  | ({ msgtype: 'external_redpacket' } & RedPacket)
  | {
      msgtype: 'meeting';
      topic: string;
      starttime: number;
      endtime: number;
      address: string;
      remarks: string;
      meetingtype: number;
      meetingid: U64;
      status: number;
    }
  | { msgtype: 'docmsg'; title: string; doc_creator: string; link_url: string }
  | { msgtype: 'markdown'; content: string }
  | { msgtype: 'news'; item: NewsItem[] }
  | {
      msgtype: 'calendar';
      title: string;
      creatorname: string;
      attendeename: string[];
      starttime: number;
      endtime: number;
      place: string;
      remarks: string;
    }
  | { msgtype: 'mixed'; item: { content: Content }[] }
  | {
      msgtype: 'meeting_voice_call';
      voiceid: string;
      endtime: number;
      sdkfileid: string;
      demofiledata?: { filename: string; demooperator: string; starttime: number; endtime: number }[];
      sharescreendata?: { share: string; starttime: number; endtime: number }[];
    }
  | {
      msgtype: 'voip_doc_share';
      voipid: string;
      filename: string;
      md5sum?: string;
      filesize?: U64;
      sdkfileid: string;
    }
  | { msgtype: 'sphfeed'; feed_type: number; sph_name: string; feed_desc: string }
  | { msgtype: 'voiptext'; callduration: U64; invitetype: number }
  | { msgtype: 'qydiskfile'; filename: string }
  | { msgtype: 'switch' }
  | { msgtype: 'unknown'; name: string; raw: unknown };

export type MsgType = Content['msgtype'];

/** One archived record (`Message`). `msgtime` is milliseconds since the epoch. */
export interface Message {
  msgid: MsgId;
  seq?: number;
  action: string;
  from: UserId;
  tolist: UserId[];
  roomid?: RoomId;
  msgtime: number;
  content: Content;
}

/** A conversation's key, opaque to the UI (the API's `conv_key`): pass it back as received. */
export type ConversationKey = string;

// ---------------------------------------------------------------- organisation (model/org.rs)

/** `active`, `disabled`, `inactive`, `departed` or `other`. */
export type EmployeeStatus = string;

export interface Department {
  id: number;
  name: string;
  parentid: number;
  order: number;
}

export interface Employee {
  userid: UserId;
  name: string;
  department: number[];
  main_department: number | null;
  position: string;
  status: EmployeeStatus;
}

// ---------------------------------------------------------------- browsing (api DTOs)

/** Counts shown beside an employee: `13/527 会话 · 4/127 敏感词`. */
export interface EmployeeCounts {
  /** Conversations with at least one hit. */
  conversations_with_hits: number;
  /** All conversations of the employee. */
  conversations: number;
  /** Hits not yet reviewed. */
  hits_open: number;
  /** All hits. */
  hits: number;
}

export interface EmployeeSummary {
  employee: Employee;
  counts: EmployeeCounts;
}

export interface OrgOverview {
  departments: Department[];
  employees: EmployeeSummary[];
}

export type PartyKind = 'customer' | 'colleague' | 'group';

/** One row of pane 2: someone (or a group) the selected person talked with. */
export interface PartnerSummary {
  conversation: ConversationKey;
  kind: PartyKind;
  /** Customer or colleague userid, or the room id. */
  id: string;
  name: string;
  /** Corp of a customer, when known. */
  corp_name: string | null;
  /** A group that was dissolved. */
  dismissed: boolean;
  /** Milliseconds. */
  last_msgtime: number | null;
  messages: number;
  hits: number;
}

/** A customer as an entry point (customer → employees → chat). */
export interface CustomerSummary {
  external_userid: UserId;
  name: string;
  corp_name: string | null;
  employees: number;
  last_msgtime: number | null;
  hits: number;
}

/** A group as an entry point. */
export interface GroupSummary {
  conversation: ConversationKey;
  roomid: RoomId;
  name: string;
  kind: 'internal' | 'customer';
  members: number;
  dismissed_at: number | null;
  last_msgtime: number | null;
  hits: number;
}

/** Who a participant id is, for names and avatars in the conversation. */
export interface Participant {
  id: UserId;
  name: string;
  kind: 'employee' | 'customer' | 'robot';
  corp_name: string | null;
}

/** Non-message lines in the conversation flow (joins, deletions, dissolution). */
export type SystemLine =
  | { kind: 'joined'; userid: UserId; invitor: UserId | null }
  | { kind: 'left'; userid: UserId }
  | { kind: 'employee_deleted_customer'; userid: UserId; external_userid: UserId }
  | { kind: 'customer_deleted_employee'; userid: UserId; external_userid: UserId }
  | { kind: 'group_dismissed' };

export type ConversationEntry =
  | {
      entry: 'message';
      message: Message;
      /** Where this entry sits, for paging from it. */
      cursor: Cursor;
      /** The sender with a display name, when the backend resolved it. */
      sender: Participant | null;
      /** What the cache knows of the message's media file, when the backend said. */
      media?: MediaInfo | null;
      /** Set on a message that was later recalled: when (milliseconds). */
      recalled_at: number | null;
      /** On a `revoke` record: the recalled message, so its content stays visible. */
      original: Message | null;
      /** The text rules scan (hit spans count its Unicode scalar values), when the backend sent it. */
      text?: string;
      /** Rule hits on the message, by position. */
      hits?: Hit[];
      /** Annotations on the message. */
      annotations?: number;
    }
  | { entry: 'system'; id: string; time: number; line: SystemLine };

/** A rule hit on a message (`HitView`): a lexicon word at a span, or a behaviour. */
export interface Hit {
  /** Rule or detector name. */
  rule: string;
  /** `word`, `phone`, `wechat`, `qrcode`, `card`, `redpacket`, `transfer`, `revoke`, `timeout`, `del_*`. */
  kind: string;
  behaviour: boolean;
  severity: string;
  word: string | null;
  /** Span in the message's `text`, in Unicode scalar values. */
  start: number;
  end: number;
  hit_id?: number;
  state?: 'unreviewed' | 'in_review' | 'done';
}

/** A message's media file as the cache knows it. */
export interface MediaInfo {
  /** The file is in the local cache. */
  stored: boolean;
  /** MIME type, when known (`audio/amr`, `video/mp4` …). */
  mime: string | null;
  /** A thumbnail exists (images): the media URL with `?thumb=1`. */
  thumbnail?: boolean;
}

/** A position between entries: the order key of an entry (time, then an id the backend chose). */
export interface Cursor {
  time: number;
  id: string;
}

export type PageAnchor =
  | { kind: 'latest' }
  | { kind: 'before'; cursor: Cursor }
  | { kind: 'after'; cursor: Cursor }
  | { kind: 'at'; time: number }
  /** A page with this message in it ("view in context"). */
  | { kind: 'message'; msgid: MsgId };

export interface PageRequest {
  conversation: ConversationKey;
  anchor: PageAnchor;
  limit: number;
}

export interface ConversationPage {
  entries: ConversationEntry[];
  has_older: boolean;
  has_newer: boolean;
  /** For an `at` anchor: index in `entries` of the first entry at or after the time; for a
   *  `message` anchor: index of that message. */
  anchor_index: number | null;
}

export interface ConversationInfo {
  conversation: ConversationKey;
  title: string;
  kind: PartyKind;
  dismissed: boolean;
  messages: number;
  participants: Participant[];
  /** Milliseconds; `null` for an empty conversation. */
  first_msgtime: number | null;
  last_msgtime: number | null;
  /** Review status of its hits, when the backend said. */
  review?: 'unreviewed' | 'in_review' | 'done';
  /** Annotations in it. */
  annotations?: number;
}

export interface Follower {
  employee: Participant;
  remark: string;
  description: string;
  /** Seconds. */
  added_at: number;
  /** WeCom's add_way code (1 QR code, 2 phone number, 3 shared card …). */
  add_way: number | null;
  /** The channel state parameter. */
  source: string | null;
  /** Who performed the add, when not the employee. */
  added_by: string | null;
  tags: { group: string; name: string }[];
}

export interface DeletionEvent {
  /** Seconds. */
  time: number;
  kind: 'employee_deleted_customer' | 'customer_deleted_employee' | 'transfer_failed';
  employee: Participant;
  detail: string | null;
}

export interface CustomerDetails {
  customer: Participant;
  /** 1 WeChat user, 2 WeCom user. */
  contact_kind: number | null;
  corp_name: string | null;
  corp_full_name: string | null;
  position: string | null;
  followers: Follower[];
  deletions: DeletionEvent[];
  status: 'active' | 'deleted';
}

export interface EmployeeDetails {
  employee: Employee;
  department_names: string[];
  counts: EmployeeCounts;
  /** Customers the employee has. */
  customers: number;
}

// ---------------------------------------------------------------- session, sync, profiles

/** One progress report of a running sync (`crates/api` `SyncProgress`). */
export interface SyncProgress {
  /** `recovering`, `syncing`, `finishing` or `done`. */
  phase: string;
  /** Feed records applied in this run. */
  records: number;
  /** Messages among them. */
  messages: number;
  /** Bytes received (compressed). */
  bytes: number;
  /** The profile's cursor. */
  cursor: number;
  /** The server's newest seq as last reported. */
  head: number;
  /** Messages per second. */
  rate: number;
  /** Seconds left, when they can be told. */
  eta_secs: number | null;
  /** Fraction of this run done, 0..=1. */
  fraction: number;
}

/** The sync strip (`crates/api` `SyncStatus`). */
export interface SyncStatus {
  state: 'idle' | 'syncing' | 'error';
  /** The server answered the last attempt (false: working offline from the cache). */
  online: boolean;
  progress: SyncProgress | null;
  /** Milliseconds. */
  last_sync_at: number | null;
  /** Milliseconds; past it the slice cannot be opened until a sync. */
  lease_expires_at: number | null;
  /** Why the last sync failed. */
  error: { code: string; message: string } | null;
}

export interface ProfileSummary {
  id: string;
  name: string;
  server_url: string;
  user: string;
  /** `passphrase` profiles show the unlock screen. */
  key_source: 'os_keyring' | 'passphrase';
  last_opened_at: number | null;
}

export interface SessionInfo {
  profile: ProfileSummary;
  role: 'reviewer' | 'supervisor' | 'auditor' | 'admin';
}

export interface MediaRequest {
  msgid: MsgId;
  sdkfileid: string;
}

export interface SaveCopyRequest extends MediaRequest {
  filename: string;
}
