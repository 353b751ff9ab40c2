// Generated from the Rust DTOs of crates/api by `cargo test -p dossier-api --test api ts`.
// Do not edit: CI fails when this file is stale. 64-bit integers cross as strings.

export type ErrorCode = "bad_input" | "wrong_passphrase" | "not_found" | "busy" | "lease_expired" | "sign_in_required" | "forbidden" | "account_disabled" | "conflict" | "offline" | "integrity" | "internal";

export type ApiError = { 
/**
 * What kind of failure.
 */
code: ErrorCode, 
/**
 * What happened, for the person at the keyboard (never message content).
 */
message: string, };

export type ProfileSummary = { 
/**
 * The profile's id.
 */
profile_id: string, 
/**
 * Cached messages.
 */
messages: number, 
/**
 * Conversations.
 */
conversations: number, 
/**
 * Employees in the cached org.
 */
employees: number, 
/**
 * External contacts.
 */
customers: number, 
/**
 * Groups.
 */
groups: number, 
/**
 * The last applied change-feed seq (kept below 2^53 by the server's counter).
 */
cursor: number, };

export type ChatStats = { 
/**
 * Conversations.
 */
conversations: number, 
/**
 * Conversations with at least one hit.
 */
conversations_with_hits: number, 
/**
 * Hits (sensitive words and behaviours) over all of them.
 */
hits: number, 
/**
 * Messages with at least one hit.
 */
hit_messages: number, 
/**
 * Latest message time, ms.
 */
last_time: number | null, };

export type EmployeeRow = { 
/**
 * userid.
 */
userid: string, 
/**
 * Name.
 */
name: string, 
/**
 * Position.
 */
position: string, 
/**
 * Departments (ids).
 */
departments: Array<number>, 
/**
 * Main department.
 */
main_department: number | null, 
/**
 * `active`, `disabled`, `inactive`, `departed` or `other`.
 */
status: string, 
/**
 * Departed (or disabled): shown apart and opened read-only.
 */
departed: boolean, 
/**
 * Their conversations and hits.
 */
stats: ChatStats, };

export type DepartmentNode = { 
/**
 * Department id.
 */
id: number, 
/**
 * Name.
 */
name: string, 
/**
 * Sub-departments, in the org's order.
 */
children: Array<DepartmentNode>, 
/**
 * Employees in this department (not departed), by name.
 */
employees: Array<string>, };

export type Directory = { 
/**
 * Root departments.
 */
departments: Array<DepartmentNode>, 
/**
 * Current employees, by name.
 */
employees: Array<EmployeeRow>, 
/**
 * Departed or disabled employees, by name (read-only).
 */
departed: Array<EmployeeRow>, };

export type Side = "employee" | "customer" | "robot";

export type Person = { 
/**
 * The WeCom id (userid or external userid).
 */
id: string, 
/**
 * The name the org or the contact record gives, or the id when neither knows it.
 */
name: string, 
/**
 * Employee, customer or robot.
 */
side: Side, };

export type Partner = { 
/**
 * The conversation key (pass it to `conversation_page`).
 */
conversation: string, 
/**
 * The other person of a single chat; `None` for a group.
 */
person: Person | null, 
/**
 * The group id, for a group chat.
 */
roomid: string | null, 
/**
 * The other person's name, or the group's name.
 */
name: string, 
/**
 * The group was dissolved.
 */
dismissed: boolean, 
/**
 * Cached messages.
 */
messages: number, 
/**
 * Latest message time, ms.
 */
last_time: number, 
/**
 * Hits in the conversation.
 */
hits: number, 
/**
 * Messages with hits.
 */
hit_messages: number, };

export type Partners = { 
/**
 * Whose partners these are.
 */
of: Person, 
/**
 * Customers (single chats with external contacts).
 */
customers: Array<Partner>, 
/**
 * Employees (colleagues, or a customer's employees).
 */
employees: Array<Partner>, 
/**
 * Groups.
 */
groups: Array<Partner>, };

export type CustomerRow = { 
/**
 * The customer.
 */
person: Person, 
/**
 * Their corp, when they are another corp's WeCom user.
 */
corp_name: string | null, 
/**
 * Employees who added them.
 */
followers: Array<string>, 
/**
 * Their conversations and hits.
 */
stats: ChatStats, };

export type GroupRow = { 
/**
 * The conversation key.
 */
conversation: string, 
/**
 * Group id.
 */
roomid: string, 
/**
 * Name.
 */
name: string, 
/**
 * The owner.
 */
owner: Person, 
/**
 * Members (employees and customers).
 */
members: number, 
/**
 * Customers among the members.
 */
customers: number, 
/**
 * Dissolved at, seconds, when dissolved.
 */
dismissed_at: number | null, 
/**
 * Cached messages.
 */
messages: number, 
/**
 * Latest message time, ms (`null` when nothing is cached).
 */
last_time: number | null, 
/**
 * Hits in the group.
 */
hits: number, };

export type ConversationKind = "single" | "group";

export type ConversationInfo = { 
/**
 * The conversation key.
 */
conversation: string, 
/**
 * Single or group.
 */
kind: ConversationKind, 
/**
 * The other person's name (seen from the first participant) or the group's name.
 */
title: string, 
/**
 * Both people of a single chat; the members of a group.
 */
participants: Array<Person>, 
/**
 * The group was dissolved.
 */
dismissed: boolean, 
/**
 * Cached messages.
 */
messages: number, 
/**
 * Oldest message time, ms.
 */
first_time: number, 
/**
 * Newest message time, ms.
 */
last_time: number, 
/**
 * Hits.
 */
hits: number, 
/**
 * How far it has been reviewed.
 */
review: ReviewState, 
/**
 * Annotations in force on it and its messages.
 */
annotations: number, 
/**
 * How far this reviewer has read (the newest message shown to them), if at all.
 */
read_mark: PageAnchor | null, };

export type PageAnchor = { 
/**
 * Message time, ms.
 */
msgtime: number, 
/**
 * Row id.
 */
id: number, };

export type PageAt = { "at": "newest" } | { "at": "oldest" } | { "at": "before", 
/**
 * The oldest message shown.
 */
anchor: PageAnchor, } | { "at": "after", 
/**
 * The newest message shown.
 */
anchor: PageAnchor, } | { "at": "around", 
/**
 * The message.
 */
msgid: string, } | { "at": "date", 
/**
 * Time, ms.
 */
time: number, };

export type ConversationPage = { 
/**
 * The messages, oldest first.
 */
messages: Array<MessageView>, 
/**
 * Older messages exist before the first one.
 */
more_before: boolean, 
/**
 * Newer messages exist after the last one.
 */
more_after: boolean, 
/**
 * The message to scroll to (`Around`: that message; `Date`: the first at or after the time).
 */
focus: string | null, };

export type HitView = { 
/**
 * Rule or detector name.
 */
rule: string, 
/**
 * `word`, `phone`, `wechat`, … (model `HitKind`).
 */
kind: string, 
/**
 * A behaviour hit (contact hand-out, red packet, …) rather than a lexicon word.
 */
behaviour: boolean, 
/**
 * `low`, `medium` or `high`.
 */
severity: string, 
/**
 * The word matched or the value found.
 */
word: string | null, 
/**
 * The hit's id.
 */
hit_id: number, 
/**
 * How far the message's hits have been reviewed.
 */
state: ReviewState, 
/**
 * First character of `text` (Unicode scalar values).
 */
start: number, 
/**
 * One past the last character.
 */
end: number, };

export type MediaView = { 
/**
 * The SDK file id (the media's id in the profile).
 */
sdkfileid: string, 
/**
 * Size in bytes as the message states it (a 64-bit number, as a string).
 */
size: string | null, 
/**
 * File name, for files.
 */
name: string | null, 
/**
 * The media is in the cache.
 */
stored: boolean, 
/**
 * MIME type when known.
 */
mime: string | null, 
/**
 * A thumbnail exists.
 */
thumbnail: boolean, };

export type Revocation = { 
/**
 * When the revoke record was sent, ms.
 */
at: number, };

export type OriginalMessage = { 
/**
 * Its msgid.
 */
msgid: string, 
/**
 * Whether the cache holds it (it may lie outside the synced slice).
 */
found: boolean, 
/**
 * Its msgtype.
 */
msgtype: string | null, 
/**
 * Its text.
 */
text: string | null, 
/**
 * Its typed content (see `MessageView.content`).
 */
content: Content | null, };

export type MessageView = { 
/**
 * Row id (anchors pages).
 */
id: number, 
/**
 * The WeCom msgid.
 */
msgid: string, 
/**
 * The archive seq, a 64-bit number as a string.
 */
seq: string | null, 
/**
 * Time, ms.
 */
msgtime: number, 
/**
 * Who sent it.
 */
sender: Person, 
/**
 * `send`, `recall`, `switch` or another action as sent.
 */
action: string, 
/**
 * The msgtype (`switch` for switch records, the sent name for unknown types).
 */
msgtype: string, 
/**
 * The text reviewers read and rules scan (hit spans count its characters).
 */
text: string, 
/**
 * The typed content: the model's JSON tagged by `msgtype`, 64-bit fields as strings;
 * an unknown type as `{msgtype: "unknown", name, raw}` with the whole record.
 */
content: Content, 
/**
 * Set when this message was recalled (shown with its content, marked).
 */
revoked: Revocation | null, 
/**
 * For a revoke record: the recalled message and its original content.
 */
revokes: OriginalMessage | null, 
/**
 * Rule hits, by position.
 */
hits: Array<HitView>, 
/**
 * Annotations on the message.
 */
annotations: number, 
/**
 * The media it refers to.
 */
media: MediaView | null, };

export type TagView = { 
/**
 * Tag group.
 */
group: string, 
/**
 * Tag name.
 */
name: string, };

export type Follower = { 
/**
 * The employee.
 */
employee: Person, 
/**
 * Their remark for the customer.
 */
remark: string, 
/**
 * Their description.
 */
description: string, 
/**
 * When they added the customer, seconds.
 */
added_at: number, 
/**
 * WeCom's `add_way` code (how they were added: QR code, search, card, …).
 */
add_way: number | null, 
/**
 * The channel `state` the add came through.
 */
source: string | null, 
/**
 * Who performed the add (`oper_userid`).
 */
added_by: string | null, 
/**
 * Tags the employee set.
 */
tags: Array<TagView>, };

export type DeletionKind = "employee_deleted_customer" | "customer_deleted_employee" | "transfer_failed";

export type DeletionEvent = { 
/**
 * When, seconds.
 */
time: number, 
/**
 * What happened.
 */
kind: DeletionKind, 
/**
 * The employee.
 */
employee: Person, 
/**
 * The source or failure reason WeCom gave.
 */
detail: string | null, };

export type CustomerStatus = "active" | "deleted";

export type CustomerDetails = { 
/**
 * The customer.
 */
person: Person, 
/**
 * 1 WeChat user, 2 WeCom user (`null` when no contact record is cached).
 */
contact_kind: number | null, 
/**
 * Their corp.
 */
corp_name: string | null, 
/**
 * Their corp's full name.
 */
corp_full_name: string | null, 
/**
 * Their position.
 */
position: string | null, 
/**
 * 0 unknown, 1 male, 2 female.
 */
gender: number | null, 
/**
 * Employees who added them.
 */
followers: Array<Follower>, 
/**
 * Deletions and failed transfers, oldest first.
 */
deletions: Array<DeletionEvent>, 
/**
 * Active or deleted.
 */
status: CustomerStatus, 
/**
 * Their conversations and hits.
 */
stats: ChatStats, };

export type EmployeeDetails = { 
/**
 * The employee with their counts.
 */
employee: EmployeeRow, 
/**
 * Their departments' names, in `employee.departments` order.
 */
department_names: Array<string>, 
/**
 * Customers they have as contacts.
 */
customers: number, };

export type SearchSort = "newest" | "relevance";

export type TextSpan = { 
/**
 * First character.
 */
start: number, 
/**
 * One past the last character.
 */
end: number, };

export type SnippetView = { 
/**
 * The window's text.
 */
text: string, 
/**
 * Highlights in `text`.
 */
spans: Array<TextSpan>, 
/**
 * Text was cut before the window (show an ellipsis).
 */
cut_start: boolean, 
/**
 * Text was cut after it.
 */
cut_end: boolean, };

export type SearchHit = { 
/**
 * The msgid.
 */
msgid: string, 
/**
 * Row id (a `PageAnchor` with `msgtime`).
 */
id: number, 
/**
 * The conversation key (open with `conversation_page` at `{at: "around", msgid}`).
 */
conversation: string, 
/**
 * Time, ms.
 */
msgtime: number, 
/**
 * The sender (id and side; the name is the id: look names up in the directory).
 */
sender: Person, 
/**
 * The msgtype.
 */
msgtype: string, 
/**
 * Highlights in the whole message text.
 */
spans: Array<TextSpan>, 
/**
 * The context window.
 */
snippet: SnippetView, 
/**
 * Relevance score (relevance order only).
 */
score: number | null, };

export type FacetCount = { 
/**
 * The value (a userid, a msgtype).
 */
value: string, 
/**
 * Hits with it.
 */
count: number, };

export type SearchFacets = { 
/**
 * Per employee taking part.
 */
employee: Array<FacetCount>, 
/**
 * Per msgtype.
 */
msgtype: Array<FacetCount>, 
/**
 * Per customer taking part.
 */
customer: Array<FacetCount>, 
/**
 * Per group (room id).
 */
group: Array<FacetCount>, 
/**
 * Per month of `msgtime` in Asia/Shanghai (`YYYY-MM`), oldest first.
 */
month: Array<FacetCount>, };

export type SearchPage = { 
/**
 * Hits of the whole query; every one is reachable by paging.
 */
total: number, 
/**
 * The page (0-based) and its size as asked.
 */
page: number, 
/**
 * Page size.
 */
page_size: number, 
/**
 * This page's hits.
 */
hits: Array<SearchHit>, 
/**
 * Facet counts (computed with the first page only; `null` on later pages).
 */
facets: SearchFacets | null, };

export type SyncProgress = { 
/**
 * `recovering`, `syncing`, `finishing` or `done`.
 */
phase: string, 
/**
 * Feed records applied in this run.
 */
records: number, 
/**
 * Messages among them.
 */
messages: number, 
/**
 * Bytes received (compressed).
 */
bytes: number, 
/**
 * The profile's cursor (kept below 2^53 by the server's counter).
 */
cursor: number, 
/**
 * The server's newest seq as last reported.
 */
head: number, 
/**
 * Messages per second.
 */
rate: number, 
/**
 * Seconds left, when they can be told.
 */
eta_secs: number | null, 
/**
 * Fraction of this run done, 0..=1.
 */
fraction: number, };

export type SyncSummary = { 
/**
 * The profile was created by this sync.
 */
created: boolean, 
/**
 * Feed records applied.
 */
records: number, 
/**
 * Messages among them.
 */
messages: number, 
/**
 * Bytes received.
 */
bytes: number, 
/**
 * Messages purged by grant changes.
 */
purged: number, 
/**
 * Transient failures retried.
 */
retries: number, 
/**
 * The cursor at the end.
 */
cursor: number, 
/**
 * Wall time, seconds.
 */
seconds: number, 
/**
 * Annotation writes the server accepted from the outbox.
 */
uploaded: number, 
/**
 * Annotation writes that came back as conflicts (both versions kept).
 */
conflicts: number, 
/**
 * Audit records uploaded.
 */
audit_uploaded: number, };

export type ConnectRequest = { 
/**
 * Server URL, `https://host:port` (`http://` only on this machine).
 */
server_url: string, 
/**
 * Account name.
 */
user: string, 
/**
 * Password (never logged, never stored; the session tokens are kept in the profile).
 */
password: string, 
/**
 * Protect the new profile with this passphrase instead of the OS credential store.
 */
passphrase: string | null, };

export type SyncState = "idle" | "syncing" | "error";

export type SyncStatus = { 
/**
 * Running, idle or failed.
 */
state: SyncState, 
/**
 * The server answered the last attempt (false: working offline from the cache).
 */
online: boolean, 
/**
 * Progress of the running sync.
 */
progress: SyncProgress | null, 
/**
 * When the last sync finished, ms since the epoch.
 */
last_sync_at: number | null, 
/**
 * When the offline lease runs out, ms since the epoch.
 */
lease_expires_at: number | null, 
/**
 * Why the last sync failed.
 */
error: ApiError | null, };

export type KeySource = "os_keyring" | "passphrase";

export type ProfileEntry = { 
/**
 * Its id: the directory name under the profiles root.
 */
id: string, 
/**
 * How it is unlocked.
 */
key_source: KeySource, };

export type SessionInfo = { 
/**
 * The profile's id (directory name).
 */
profile_id: string, 
/**
 * The server it syncs from (none before its first sync).
 */
server: string | null, 
/**
 * The account it syncs as.
 */
user: string | null, 
/**
 * The account's role on the server (`admin`, `reviewer`, `auditor`); auditors read only.
 */
role: string | null, };

export type ReviewState = "unreviewed" | "in_review" | "done";

export type Verdict = "confirmed_violation" | "false_positive" | "escalate" | "cleared";

export type AnnotationTargetKind = "message" | "conversation";

export type AnnotationTargetView = { 
/**
 * Message or conversation.
 */
kind: AnnotationTargetKind, 
/**
 * The conversation key (for a message: its conversation, empty when not cached).
 */
conversation: string, 
/**
 * The message, for message targets.
 */
msgid: string | null, 
/**
 * A span of the message's text (characters), for span annotations.
 */
span: TextSpan | null, };

export type AnnotationView = { 
/**
 * Its id.
 */
id: string, 
/**
 * What it is on.
 */
target: AnnotationTargetView, 
/**
 * Who wrote it (account name).
 */
author: string, 
/**
 * Comment.
 */
comment: string, 
/**
 * Tags.
 */
tags: Array<string>, 
/**
 * Verdict.
 */
verdict: Verdict | null, 
/**
 * The server version this copy is or starts from.
 */
version: number, 
/**
 * Last change, ms.
 */
updated_at: number, 
/**
 * Written here and not yet accepted by the server.
 */
pending: boolean, 
/**
 * Written by this profile's account (it may edit and delete it).
 */
mine: boolean, 
/**
 * The start of the message's text (message targets).
 */
excerpt: string | null, 
/**
 * The message's time (message targets).
 */
msgtime: number | null, };

export type AnnotationFilter = { 
/**
 * On this conversation or any of its messages.
 */
conversation: string | null, 
/**
 * On this message.
 */
msgid: string | null, 
/**
 * Only this account's own.
 */
mine: boolean, 
/**
 * Only with this verdict.
 */
verdict: Verdict | null, };

export type AnnotationInput = { 
/**
 * The annotation to change; null creates one.
 */
id: string | null, 
/**
 * What it is on (ignored when changing one: the target stays).
 */
target: AnnotationTargetView, 
/**
 * Comment.
 */
comment: string, 
/**
 * Tags.
 */
tags: Array<string>, 
/**
 * Verdict.
 */
verdict: Verdict | null, };

export type ConflictView = { 
/**
 * The conflict's id (for `resolve_conflict`).
 */
id: number, 
/**
 * The annotation.
 */
annotation_id: string, 
/**
 * The server's reason.
 */
reason: string, 
/**
 * This reviewer's version (as it is kept locally).
 */
mine: AnnotationView | null, 
/**
 * The server's current version, when the server sent one.
 */
theirs: AnnotationView | null, };

export type Keep = "mine" | "theirs";

export type ViolationTab = "words" | "behaviour";

export type ViolationSort = "newest" | "oldest" | "severity";

export type ViolationQuery = { 
/**
 * Words or behaviour.
 */
tab: ViolationTab, 
/**
 * From this time, ms (inclusive).
 */
from: number | null, 
/**
 * Before this time, ms.
 */
to: number | null, 
/**
 * Messages this employee sent or received.
 */
employee: string | null, 
/**
 * Messages an employee of this department (or a sub-department) sent or received.
 */
department: number | null, 
/**
 * This rule (or detector) name.
 */
rule: string | null, 
/**
 * This hit kind (`word`, `phone`, `redpacket`, …).
 */
kind: string | null, 
/**
 * This msgtype.
 */
msgtype: string | null, 
/**
 * This review state.
 */
state: ReviewState | null, 
/**
 * Order.
 */
sort: ViolationSort, 
/**
 * Rows to skip.
 */
offset: number, 
/**
 * Page size (at most [`MAX_PAGE`]).
 */
limit: number, };

export type ViolationRow = { 
/**
 * The hit's id.
 */
hit_id: number, 
/**
 * The message.
 */
msgid: string, 
/**
 * The message's row id.
 */
message_id: number, 
/**
 * Its conversation key (open at `{at: "around", msgid}`).
 */
conversation: string, 
/**
 * Its time, ms.
 */
msgtime: number, 
/**
 * Its msgtype.
 */
msgtype: string, 
/**
 * Who sent it.
 */
sender: Person, 
/**
 * The employee the hit is charged to: the sender, or the first employee it was sent to.
 */
employee: Person | null, 
/**
 * The other side: the customer or colleague, or the group's name.
 */
partner: string, 
/**
 * Rule or detector.
 */
rule: string, 
/**
 * Hit kind.
 */
kind: string, 
/**
 * A behaviour hit.
 */
behaviour: boolean, 
/**
 * `low`, `medium`, `high`.
 */
severity: string, 
/**
 * The matched word or value.
 */
word: string | null, 
/**
 * The hit's span in the message text (characters).
 */
start: number, 
/**
 * End of the span.
 */
end: number, 
/**
 * Context around the hit.
 */
snippet: SnippetView, 
/**
 * Review state.
 */
state: ReviewState, 
/**
 * The deciding verdict, when one is given.
 */
verdict: Verdict | null, 
/**
 * From a lexicon of this profile's own (not the server's rules).
 */
local: boolean, };

export type ViolationPage = { 
/**
 * Rows matching every filter.
 */
total: number, 
/**
 * This page.
 */
rows: Array<ViolationRow>, 
/**
 * Rules in this tab (with every filter but rule and kind), most hits first.
 */
rules: Array<FacetCount>, 
/**
 * Kinds in this tab, likewise.
 */
kinds: Array<FacetCount>, 
/**
 * Word hits (every filter but tab, rule, kind and state).
 */
words: number, 
/**
 * Behaviour hits, likewise.
 */
behaviour: number, 
/**
 * Unreviewed hits in this tab (every filter but state).
 */
unreviewed: number, };

export type RuleSource = "server" | "local";

export type RuleView = { 
/**
 * Name.
 */
name: string, 
/**
 * Server or local.
 */
source: RuleSource, 
/**
 * How many words it has.
 */
words: number, 
/**
 * `low`, `medium`, `high`.
 */
severity: string, 
/**
 * Active.
 */
enabled: boolean, };

export type LexiconView = { 
/**
 * Name.
 */
name: string, 
/**
 * Server or local.
 */
source: RuleSource, 
/**
 * Its words.
 */
words: Array<string>, 
/**
 * Severity of its hits (local lexicons; the server's rules say theirs).
 */
severity: string, };

export type RuleSetView = { 
/**
 * Sensitive-word rules: the server's, then the local lexicons as rules.
 */
rules: Array<RuleView>, 
/**
 * Word lists: the server's, then the local ones.
 */
lexicons: Array<LexiconView>, };

export type LexiconSample = { 
/**
 * The msgid.
 */
msgid: string, 
/**
 * Its conversation.
 */
conversation: string, 
/**
 * Its time, ms.
 */
msgtime: number, 
/**
 * Context with the hits highlighted.
 */
snippet: SnippetView, };

export type LexiconPreview = { 
/**
 * Messages scanned.
 */
scanned: number, 
/**
 * Messages with a hit.
 */
messages: number, 
/**
 * Hits.
 */
hits: number, 
/**
 * The newest few messages hit.
 */
samples: Array<LexiconSample>, };

export type RescanProgress = { 
/**
 * Messages scanned so far.
 */
scanned: number, 
/**
 * Messages to scan.
 */
total: number, 
/**
 * Hits found so far.
 */
hits: number, };

export type RescanSummary = { 
/**
 * Messages scanned.
 */
scanned: number, 
/**
 * Messages with a hit of the lexicon.
 */
messages: number, 
/**
 * Its hits.
 */
hits: number, };

export type MsgId = string;

export type UserId = string;

export type RoomId = string;

export type Content = { "msgtype": "text" } & Text | { "msgtype": "image" } & Image | { "msgtype": "revoke" } & Revoke | { "msgtype": "agree" } & Agree | { "msgtype": "disagree" } & Disagree | { "msgtype": "voice" } & Voice | { "msgtype": "video" } & Video | { "msgtype": "card" } & Card | { "msgtype": "location" } & Location | { "msgtype": "emotion" } & Emotion | { "msgtype": "file" } & File | { "msgtype": "link" } & Link | { "msgtype": "weapp" } & Weapp | { "msgtype": "chatrecord" } & ChatRecord | { "msgtype": "todo" } & Todo | { "msgtype": "vote" } & Vote | { "msgtype": "collect" } & Collect | { "msgtype": "redpacket" } & RedPacket | { "msgtype": "external_redpacket" } & RedPacket | { "msgtype": "meeting" } & Meeting | { "msgtype": "docmsg" } & Doc | { "msgtype": "markdown" } & Markdown | { "msgtype": "news" } & News | { "msgtype": "calendar" } & Calendar | { "msgtype": "mixed" } & Mixed | { "msgtype": "meeting_voice_call" } & MeetingVoiceCall | { "msgtype": "voip_doc_share" } & VoipDocShare | { "msgtype": "sphfeed" } & SphFeed | { "msgtype": "voiptext" } & VoipText | { "msgtype": "qydiskfile" } & QyDiskFile | { "msgtype": "switch" } | { "msgtype": "unknown" } & Unknown;

export type Text = { 
/**
 * The text, control characters preserved.
 */
content: string, };

export type Image = { 
/**
 * md5 of the file.
 */
md5sum?: string | null, 
/**
 * Size in bytes.
 */
filesize?: string, 
/**
 * The SDK file id.
 */
sdkfileid: string, };

export type Revoke = { 
/**
 * The msgid of the recalled message.
 */
pre_msgid: MsgId, };

export type Agree = { 
/**
 * The external user who agreed.
 */
userid: UserId, 
/**
 * When, in milliseconds.
 */
agree_time: number, };

export type Disagree = { 
/**
 * The external user who refused.
 */
userid: UserId, 
/**
 * When, in milliseconds.
 */
disagree_time: number, };

export type Voice = { 
/**
 * md5 of the file.
 */
md5sum?: string | null, 
/**
 * Size in bytes.
 */
voice_size?: string, 
/**
 * Duration in seconds.
 */
play_length?: string, 
/**
 * The SDK file id (AMR audio).
 */
sdkfileid: string, };

export type Video = { 
/**
 * md5 of the file.
 */
md5sum?: string | null, 
/**
 * Size in bytes.
 */
filesize?: string, 
/**
 * Duration in seconds.
 */
play_length?: string, 
/**
 * The SDK file id (MP4).
 */
sdkfileid: string, };

export type Card = { 
/**
 * The card owner's corp (`微信联系人` for a personal WeChat account).
 */
corpname: string, 
/**
 * The card owner's id.
 */
userid: UserId, };

export type Location = { 
/**
 * Longitude.
 */
longitude: number, 
/**
 * Latitude.
 */
latitude: number, 
/**
 * Street address.
 */
address: string, 
/**
 * Place name.
 */
title: string, 
/**
 * Map zoom.
 */
zoom?: number | null, };

export type Emotion = { 
/**
 * 1 gif, 2 png.
 */
type: number, 
/**
 * Width in pixels.
 */
width?: number | null, 
/**
 * Height in pixels.
 */
height?: number | null, 
/**
 * Size in bytes.
 */
imagesize?: string, 
/**
 * md5 of the file.
 */
md5sum?: string | null, 
/**
 * The SDK file id.
 */
sdkfileid: string, 
/**
 * Sticker title, when given.
 */
title?: string | null, };

export type File = { 
/**
 * md5 of the file.
 */
md5sum?: string | null, 
/**
 * File name as sent.
 */
filename: string, 
/**
 * Extension without the dot.
 */
fileext: string, 
/**
 * Size in bytes.
 */
filesize?: string, 
/**
 * The SDK file id.
 */
sdkfileid: string, };

export type Link = { 
/**
 * Title.
 */
title: string, 
/**
 * Description.
 */
description: string, 
/**
 * Target URL.
 */
link_url: string, 
/**
 * Preview image URL.
 */
image_url?: string | null, };

export type Weapp = { 
/**
 * Title.
 */
title: string, 
/**
 * Description.
 */
description: string, 
/**
 * The mini-program's account (`xxx@app`).
 */
username: string, 
/**
 * Display name.
 */
displayname: string, };

export type ChatRecord = { 
/**
 * Title (`群聊`, or the two names).
 */
title: string, 
/**
 * The forwarded messages.
 */
item: Array<ChatRecordItem>, };

export type ChatRecordItem = { 
/**
 * The item type as sent (`ChatRecordText`, `ChatRecordImage`, …).
 */
type: string, 
/**
 * Time of the original message (seconds in practice).
 */
msgtime: number, 
/**
 * Whether the item came from a group.
 */
from_chatroom: boolean, 
/**
 * The item's content, decoded from its JSON string.
 */
content: Content, };

export type Todo = { 
/**
 * Title.
 */
title: string, 
/**
 * Body.
 */
content: string, };

export type Vote = { 
/**
 * Title.
 */
votetitle: string, 
/**
 * Options.
 */
voteitem: Array<string>, 
/**
 * 101 started, 102 took part.
 */
votetype: number, 
/**
 * Vote id.
 */
voteid: string, 
/**
 * Whether the source nested the fields under a `vote` key (kept so evidence round-trips).
 */
nested: boolean, };

export type Collect = { 
/**
 * The group's name.
 */
room_name: string, 
/**
 * Creator's userid.
 */
creator: string, 
/**
 * Creation time as sent (`yyyy-MM-dd HH:mm:ss`).
 */
create_time: string, 
/**
 * Title.
 */
title: string, 
/**
 * The form's questions.
 */
details: Array<CollectDetail>, };

export type CollectDetail = { 
/**
 * Question id (may exceed i64).
 */
id: string, 
/**
 * The question.
 */
ques: string, 
/**
 * `Text`, `Number`, `Date` or `Time`.
 */
type: string, };

export type RedPacket = { 
/**
 * 1 normal, 2 lucky draw, 3 incentive.
 */
type: number, 
/**
 * Greeting.
 */
wish: string, 
/**
 * Number of packets.
 */
totalcnt: number, 
/**
 * Total amount in fen (分).
 */
totalamount: string, };

export type Meeting = { 
/**
 * Topic.
 */
topic: string, 
/**
 * Start, seconds.
 */
starttime: number, 
/**
 * End, seconds.
 */
endtime: number, 
/**
 * Address.
 */
address: string, 
/**
 * Remarks.
 */
remarks: string, 
/**
 * 101 started, 102 handled.
 */
meetingtype: number, 
/**
 * Meeting id (may exceed i64).
 */
meetingid: string, 
/**
 * 1 attend … 7 not in room.
 */
status: number, };

export type Doc = { 
/**
 * Title.
 */
title: string, 
/**
 * Creator's userid.
 */
doc_creator: string, 
/**
 * URL.
 */
link_url: string, };

export type Markdown = { 
/**
 * Markdown source, shown as text.
 */
content: string, };

export type News = { 
/**
 * Articles.
 */
item: Array<NewsItem>, };

export type NewsItem = { 
/**
 * Title.
 */
title: string, 
/**
 * Description.
 */
description: string, 
/**
 * URL.
 */
url: string, 
/**
 * Picture URL.
 */
picurl: string, };

export type Calendar = { 
/**
 * Title.
 */
title: string, 
/**
 * Creator's name.
 */
creatorname: string, 
/**
 * Attendees' names.
 */
attendeename: Array<string>, 
/**
 * Start, seconds.
 */
starttime: number, 
/**
 * End, seconds.
 */
endtime: number, 
/**
 * Place.
 */
place: string, 
/**
 * Remarks.
 */
remarks: string, };

export type Mixed = { 
/**
 * The parts, in order.
 */
item: Array<MixedItem>, };

export type MixedItem = { 
/**
 * The part's content, decoded from its JSON string (its msgtype is the item `type`).
 */
content: Content, };

export type MeetingVoiceCall = { 
/**
 * The call id (top-level `voiceid` on the wire).
 */
voiceid: string, 
/**
 * End, seconds.
 */
endtime: number, 
/**
 * The SDK file id of the recording.
 */
sdkfileid: string, 
/**
 * Documents presented.
 */
demofiledata?: Array<DemoFile> | null, 
/**
 * Screen shares.
 */
sharescreendata?: Array<ShareScreen> | null, };

export type DemoFile = { 
/**
 * File name.
 */
filename: string, 
/**
 * Who presented it.
 */
demooperator: string, 
/**
 * Start, seconds.
 */
starttime: number, 
/**
 * End, seconds.
 */
endtime: number, };

export type ShareScreen = { 
/**
 * Who shared.
 */
share: string, 
/**
 * Start, seconds.
 */
starttime: number, 
/**
 * End, seconds.
 */
endtime: number, };

export type VoipDocShare = { 
/**
 * The call id (top-level `voipid` on the wire).
 */
voipid: string, 
/**
 * File name.
 */
filename: string, 
/**
 * md5 of the file.
 */
md5sum?: string | null, 
/**
 * Size in bytes (may exceed i64).
 */
filesize?: string, 
/**
 * The SDK file id.
 */
sdkfileid: string, };

export type SphFeed = { 
/**
 * Feed type (2 picture, 4 video, 9 live).
 */
feed_type: number, 
/**
 * Channel name.
 */
sph_name: string, 
/**
 * Description.
 */
feed_desc: string, };

export type VoipText = { 
/**
 * Duration in seconds.
 */
callduration: string, 
/**
 * 1 single audio, 2 single video, 3 multi audio, 4 multi video.
 */
invitetype: number, };

export type QyDiskFile = { 
/**
 * File name.
 */
filename: string, };

export type Unknown = { 
/**
 * The msgtype as sent (empty when the record had none).
 */
name: string, 
/**
 * The whole record as received.
 */
raw: JsonValue, };

export type JsonValue = number | string | boolean | Array<JsonValue> | { [key in string]: JsonValue } | null;
