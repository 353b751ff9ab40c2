// A backend made of synthetic data, for component tests and for looking at the UI in a plain
// browser (`VITE_FAKE_BACKEND=1 npm run dev`). Conversations are generated per index on demand, so
// a 100k-message conversation costs nothing until a page of it is asked for.
import type {
  AnnotationView,
  AppInfo,
  ConflictView,
  Backend,
  ConnectRequest,
  ConversationEntry,
  ConversationInfo,
  ConversationKey,
  ConversationPage,
  Cursor,
  CustomerDetails,
  CustomerSummary,
  Department,
  EmployeeSummary,
  GroupSummary,
  Message,
  PageRequest,
  Participant,
  PartnerSummary,
  ProfileSummary,
  SessionInfo,
  SyncStatus,
} from '../lib/backend';
import { BackendError } from '../lib/backend';
import { reviewMethods, scan, entryText } from './fake-review';
import { HOSTILE, SAMPLES } from './fixtures';

/** 2026-11-21 09:00 in Shanghai, the fake's "now"-ish anchor. */
export const BASE_TIME = Date.UTC(2026, 10, 21, 1, 0);

export const DEPARTMENTS: Department[] = [
  { id: 1, name: '总公司', parentid: 0, order: 1 },
  { id: 2, name: '财富管理部', parentid: 1, order: 1 },
  { id: 3, name: '客户服务部', parentid: 1, order: 2 },
  { id: 4, name: '上海分部', parentid: 2, order: 1 },
];

function employee(
  userid: string,
  name: string,
  dept: number,
  position: string,
  counts: [number, number, number, number],
  status: EmployeeSummary['employee']['status'] = 'active',
): EmployeeSummary {
  return {
    employee: { userid, name, department: [dept], main_department: dept, position, status },
    counts: {
      conversations_with_hits: counts[0],
      conversations: counts[1],
      hits_open: counts[2],
      hits: counts[3],
    },
  };
}

export const EMPLOYEES: EmployeeSummary[] = [
  employee('zhangwei', '张伟', 2, '理财经理', [13, 527, 4, 127]),
  employee('lina', '李娜', 2, '理财顾问', [2, 88, 0, 5]),
  employee('liuyang', '刘洋', 4, '客户经理', [0, 40, 0, 0]),
  employee('wangqiang', '王强', 3, '客服专员', [5, 310, 5, 19]),
  employee('chenjing', '陈静', 3, '客服主管', [1, 12, 1, 1]),
  employee('zhaolei', '赵磊', 4, '前客户经理', [7, 203, 7, 31], 'departed'),
];

const CUSTOMERS: Participant[] = [
  { id: 'wmCUST1', name: '王女士', kind: 'customer', corp_name: null },
  { id: 'wmCUST2', name: '陈先生', kind: 'customer', corp_name: null },
  { id: 'woCORP1', name: '赵总', kind: 'customer', corp_name: '华信科技' },
];

const GROUPS: GroupSummary[] = [
  { conversation: 'g:wrGROUP1', roomid: 'wrGROUP1', name: '理财客户群', kind: 'customer', members: 38, dismissed_at: null, last_msgtime: BASE_TIME - 3_600_000, hits: 6 },
  { conversation: 'g:wrGROUP2', roomid: 'wrGROUP2', name: '部门内部讨论', kind: 'internal', members: 6, dismissed_at: null, last_msgtime: BASE_TIME - 86_400_000, hits: 0 },
  { conversation: 'g:wrGROUP3', roomid: 'wrGROUP3', name: '双十一活动群', kind: 'customer', members: 120, dismissed_at: 1_763_000_000, last_msgtime: BASE_TIME - 20 * 86_400_000, hits: 2 },
];

/** The key of the single chat between two ids (sorted, as the vault keys them). */
export function single(a: string, b: string): ConversationKey {
  return `s:${[a, b].sort().join('|')}`;
}

/** The conversation that shows every msgtype: 张伟 ↔ 王女士. */
export const SHOWCASE: ConversationKey = single('wmCUST1', 'zhangwei');
/** A long conversation: 张伟 ↔ 陈先生. */
export const LONG: ConversationKey = single('wmCUST2', 'zhangwei');

/** The ids of a single chat's key, or the room of a group's. */
function idsOf(conversation: ConversationKey): { single: string[] } | { group: string } {
  return conversation.startsWith('s:') ? { single: conversation.slice(2).split('|') } : { group: conversation.slice(2) };
}

/** Entries of one conversation, in (time, id) order, produced on demand. */
export interface Source {
  count: number;
  messages: number;
  at(index: number): ConversationEntry;
}

function entryTime(entry: ConversationEntry): number {
  return entry.entry === 'message' ? entry.message.msgtime : entry.time;
}

function entryId(entry: ConversationEntry): string {
  return entry.entry === 'message' ? entry.cursor.id : entry.id;
}

function compare(entry: ConversationEntry, cursor: Cursor): number {
  const t = entryTime(entry) - cursor.time;
  if (t !== 0) return t;
  const id = entryId(entry);
  return id < cursor.id ? -1 : id > cursor.id ? 1 : 0;
}

/** First index whose entry is not before `pred`'s boundary. */
function lowerBound(source: Source, below: (entry: ConversationEntry) => boolean): number {
  let lo = 0;
  let hi = source.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (below(source.at(mid))) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function page(source: Source, request: PageRequest): ConversationPage {
  const { anchor, limit } = request;
  let start: number;
  let end: number;
  let anchorIndex: number | null = null;
  switch (anchor.kind) {
    case 'latest':
      end = source.count;
      start = Math.max(0, end - limit);
      break;
    case 'before':
      end = lowerBound(source, (e) => compare(e, anchor.cursor) < 0);
      start = Math.max(0, end - limit);
      break;
    case 'after':
      start = lowerBound(source, (e) => compare(e, anchor.cursor) <= 0);
      end = Math.min(source.count, start + limit);
      break;
    case 'message':
    case 'at': {
      let at: number;
      if (anchor.kind === 'message') {
        at = 0;
        while (at < source.count && entryId(source.at(at)) !== anchor.msgid) at++;
        if (at === source.count) throw new BackendError('not_found', `no message ${anchor.msgid}`);
      } else {
        at = lowerBound(source, (e) => entryTime(e) < anchor.time);
      }
      start = Math.max(0, Math.min(at - Math.floor(limit / 2), source.count - limit));
      end = Math.min(source.count, start + limit);
      anchorIndex = Math.min(at, end - 1) - start;
      break;
    }
  }
  const entries: ConversationEntry[] = [];
  for (let i = start; i < end; i++) entries.push(source.at(i));
  return { entries, has_older: start > 0, has_newer: end < source.count, anchor_index: anchorIndex };
}

function msg(msgid: string, from: string, to: string, msgtime: number, content: Message['content'], roomid = ''): Message {
  return { msgid, action: content.msgtype === 'revoke' ? 'recall' : 'send', from, tolist: [to], roomid, msgtime, content };
}

function sent(message: Message): Extract<ConversationEntry, { entry: 'message' }> {
  return {
    entry: 'message',
    message,
    cursor: { time: message.msgtime, id: message.msgid },
    sender: null,
    recalled_at: null,
    original: null,
  };
}

const CHATTER = [
  '您好，请问今天方便通话吗？',
  '好的，我看一下产品说明。',
  '这款产品的风险等级是R2，适合稳健型投资者。',
  '收益不是保证的，过往业绩不代表未来表现。',
  '明白了，谢谢！',
  '我下午三点以后有空 👍',
  '资料已经发您邮箱了，请查收。\n有问题随时联系我。',
  '收到',
];

/** A conversation of `count` text messages, one every 97 s, ending before BASE_TIME. */
export function generatedSource(prefix: string, a: string, b: string, count: number): Source {
  const start = BASE_TIME - count * 97_000;
  return {
    count,
    messages: count,
    at(i) {
      const from = i % 3 === 0 ? b : a;
      const to = from === a ? b : a;
      const text = `${CHATTER[i % CHATTER.length]}${i % 11 === 0 ? `（#${i}）` : ''}`;
      return sent(msg(`${prefix}-${String(i).padStart(7, '0')}`, from, to, start + i * 97_000, { msgtype: 'text', content: text }));
    },
  };
}

function showcaseSource(): Source {
  const entries: ConversationEntry[] = [];
  let t = BASE_TIME - 2 * 86_400_000;
  const step = (ms: number) => (t += ms);
  let n = 0;
  const add = (from: string, content: Message['content']) => {
    step(150_000);
    const to = from === 'zhangwei' ? 'wmCUST1' : 'zhangwei';
    entries.push(sent(msg(`show-${String(n++).padStart(3, '0')}`, from, to, t, content)));
  };
  add('wmCUST1', SAMPLES.agree!);
  add('wmCUST1', { msgtype: 'text', content: '您好，我想了解一下你们的理财产品。' });
  add('zhangwei', { msgtype: 'text', content: '您好王女士！我是张伟，很高兴为您服务 😀' });
  // A message the employee later recalled, and the recall record carrying it.
  step(60_000);
  const recalled = msg('show-recalled', 'zhangwei', 'wmCUST1', t, { msgtype: 'text', content: '加我私人微信 zw_13800138000 详聊' });
  step(30_000);
  entries.push({ ...sent(recalled), recalled_at: t });
  entries.push({
    ...sent(msg('show-revoke', 'zhangwei', 'wmCUST1', t, { msgtype: 'revoke', pre_msgid: 'show-recalled' })),
    original: recalled,
  });
  t += 86_400_000; // next day: a time separator
  for (const type of Object.keys(SAMPLES)) {
    if (type === 'revoke' || type === 'agree') continue;
    add(type === 'redpacket' || type === 'card' ? 'zhangwei' : n % 2 ? 'wmCUST1' : 'zhangwei', SAMPLES[type]!);
  }
  add('wmCUST1', { msgtype: 'text', content: HOSTILE });
  step(60_000);
  entries.push({ entry: 'system', id: 'sys-del', time: t, line: { kind: 'customer_deleted_employee', userid: 'zhangwei', external_userid: 'wmCUST1' } });
  const messages = entries.filter((e) => e.entry === 'message').length;
  return { count: entries.length, messages, at: (i) => entries[i]! };
}

function groupSource(roomid: string, dismissed: boolean): Source {
  const entries: ConversationEntry[] = [];
  let t = BASE_TIME - 5 * 3_600_000;
  entries.push({ entry: 'system', id: 'j1', time: t, line: { kind: 'joined', userid: 'wmCUST1', invitor: 'zhangwei' } });
  const lines: [string, string][] = [
    ['zhangwei', '欢迎各位加入理财客户群！'],
    ['wmCUST1', '谢谢张经理'],
    ['woCORP1', '请问新产品什么时候发售？'],
    ['lina', '预计下周一，届时群里通知大家。'],
  ];
  lines.forEach(([from, text], i) => {
    t += 120_000;
    entries.push(sent(msg(`${roomid}-${i}`, from, 'zhangwei', t, { msgtype: 'text', content: text }, roomid)));
  });
  t += 60_000;
  entries.push({ entry: 'system', id: 'l1', time: t, line: { kind: 'left', userid: 'woCORP1' } });
  if (dismissed) {
    t += 60_000;
    entries.push({ entry: 'system', id: 'd1', time: t, line: { kind: 'group_dismissed' } });
  }
  return { count: entries.length, messages: lines.length, at: (i) => entries[i]! };
}

export interface FakeOptions {
  /** Messages in the long conversation (张伟 ↔ 陈先生). */
  longCount?: number;
  /** Profiles the picker shows; empty means first run. */
  profiles?: ProfileSummary[];
  /** Whether a profile is already open. */
  session?: SessionInfo | null;
  sync?: Partial<SyncStatus>;
}

export type FakeBackend = Backend & {
  connects: ConnectRequest[];
  /** Every call made, by method name, with its arguments. */
  calls: [string, unknown[]][];
  /** Register an extra conversation source. */
  addConversation(conversation: ConversationKey, source: Source): void;
  /** Sync conflicts `annotationConflicts` reports (tests add to it). */
  conflicts: ConflictView[];
  /** The annotations held (tests add others' to it). */
  notes: AnnotationView[];
};

const PARTICIPANTS: Participant[] = [
  ...EMPLOYEES.map((e) => ({ id: e.employee.userid, name: e.employee.name, kind: 'employee' as const, corp_name: null })),
  ...CUSTOMERS,
];

export function nameOf(id: string): string {
  return PARTICIPANTS.find((p) => p.id === id)?.name ?? id;
}

/** A backend of synthetic data. `overrides` replace single methods (to make them fail, say). */
export function fakeBackend(overrides: Partial<Backend> = {}, options: FakeOptions = {}): FakeBackend {
  const connects: ConnectRequest[] = [];
  const calls: [string, unknown[]][] = [];
  const info: AppInfo = { version: '0.1.0', os: 'linux', arch: 'x86_64', webview: null };
  const sources = new Map<string, Source>([
    [SHOWCASE, showcaseSource()],
    [LONG, generatedSource('long', 'zhangwei', 'wmCUST2', options.longCount ?? 100_000)],
    [single('woCORP1', 'zhangwei'), generatedSource('corp', 'zhangwei', 'woCORP1', 60)],
    [single('lina', 'zhangwei'), generatedSource('lz', 'zhangwei', 'lina', 30)],
    ['g:wrGROUP1', groupSource('wrGROUP1', false)],
    ['g:wrGROUP3', groupSource('wrGROUP3', true)],
  ]);
  let session: SessionInfo | null = options.session === undefined ? null : options.session;
  const profiles = options.profiles ?? [];

  const ok = <T>(value: T): Promise<T> => Promise.resolve(value);
  const log = (name: string, ...args: unknown[]) => calls.push([name, args]);

  const partnersOf = (userid: string): PartnerSummary[] => {
    if (userid !== 'zhangwei') {
      return [
        { conversation: single(userid, 'zhangwei'), kind: 'colleague', id: 'zhangwei', name: '张伟', corp_name: null, dismissed: false, last_msgtime: BASE_TIME - 7_200_000, messages: 30, hits: 0 },
      ];
    }
    return [
      { conversation: SHOWCASE, kind: 'customer', id: 'wmCUST1', name: '王女士', corp_name: null, dismissed: false, last_msgtime: BASE_TIME, messages: sources.get(SHOWCASE)!.messages, hits: 4 },
      { conversation: LONG, kind: 'customer', id: 'wmCUST2', name: '陈先生', corp_name: null, dismissed: false, last_msgtime: BASE_TIME - 97_000, messages: options.longCount ?? 100_000, hits: 12 },
      { conversation: single('woCORP1', 'zhangwei'), kind: 'customer', id: 'woCORP1', name: '赵总', corp_name: '华信科技', dismissed: false, last_msgtime: BASE_TIME - 3 * 86_400_000, messages: 60, hits: 0 },
      { conversation: single('lina', 'zhangwei'), kind: 'colleague', id: 'lina', name: '李娜', corp_name: null, dismissed: false, last_msgtime: BASE_TIME - 86_400_000, messages: 30, hits: 0 },
      ...GROUPS.map((g) => ({ conversation: g.conversation, kind: 'group' as const, id: g.roomid, name: g.name, corp_name: null, dismissed: g.dismissed_at !== null, last_msgtime: g.last_msgtime, messages: 4, hits: g.hits })),
    ];
  };

  const review = reviewMethods({
    // The long conversation is left out: a scan of 100k messages per call would slow every test.
    entries: () =>
      [...sources]
        .filter(([key]) => key !== LONG)
        .flatMap(([conversation, source]) => Array.from({ length: source.count }, (_, i) => ({ conversation, entry: source.at(i) }))),
    nameOf,
    session: () => session,
    log,
  });
  /** Entries as the API sends them: with their text and rule hits. */
  const decorate = (p: ConversationPage): ConversationPage => ({
    ...p,
    entries: p.entries.map((e) => (e.entry === 'message' ? { ...e, text: entryText(e), hits: scan(e, review.lexicons()) } : e)),
  });

  const backend: FakeBackend = {
    connects,
    calls,
    addConversation: (conversation, source) => void sources.set(conversation, source),
    appInfo: () => ok(info),
    connectServer: (request) => {
      connects.push(request);
      return Promise.reject(new BackendError('sign_in_required', 'wrong account name or password'));
    },
    openDemo: () => Promise.reject(new BackendError('offline', 'the demo server did not start')),

    listProfiles: () => ok(profiles),
    openProfile: (id, passphrase) => {
      log('openProfile', id, passphrase);
      const profile = profiles.find((p) => p.id === id);
      if (!profile) return Promise.reject(new BackendError('not_found', `no profile ${id}`));
      if (profile.key_source === 'passphrase' && passphrase !== 'correct horse') {
        return Promise.reject(new BackendError('wrong_passphrase', 'the passphrase does not unlock this profile'));
      }
      session = { profile, role: 'reviewer' };
      return ok(undefined);
    },
    currentSession: () => ok(session),
    closeProfile: () => {
      session = null;
      return ok(undefined);
    },

    syncStatus: () =>
      ok({
        state: 'idle',
        online: true,
        progress: null,
        last_sync_at: BASE_TIME - 5 * 60_000,
        lease_expires_at: BASE_TIME + 6 * 86_400_000,
        error: null,
        ...options.sync,
      }),
    syncNow: async (onProgress) => {
      log('syncNow');
      for (const fraction of [0.25, 0.5, 1]) {
        const messages = fraction * 1000;
        onProgress({ phase: fraction < 1 ? 'syncing' : 'done', records: messages, messages, bytes: messages * 200, cursor: messages, head: 1000, rate: 5000, eta_secs: 0.1, fraction });
      }
    },

    orgOverview: () => ok({ departments: DEPARTMENTS, employees: EMPLOYEES }),
    employeePartners: (userid) => ok(partnersOf(userid)),
    listCustomers: () =>
      ok(
        CUSTOMERS.map<CustomerSummary>((c, i) => ({
          external_userid: c.id,
          name: c.name,
          corp_name: c.corp_name,
          employees: i + 1,
          last_msgtime: BASE_TIME - i * 86_400_000,
          hits: i === 0 ? 4 : 0,
        })),
      ),
    customerPartners: (externalUserid) =>
      ok(
        partnersOf('zhangwei')
          .filter((p) => p.id === externalUserid)
          .map((p) => ({ ...p, kind: 'colleague' as const, id: 'zhangwei', name: '张伟', corp_name: null })),
      ),
    listGroups: () => ok(GROUPS),

    conversationInfo: (conversation) => {
      const source = sources.get(conversation);
      if (!source) return Promise.reject(new BackendError('not_found', 'no such conversation'));
      const parts = idsOf(conversation);
      const group = 'group' in parts ? GROUPS.find((g) => g.roomid === parts.group) : undefined;
      const ids = 'single' in parts ? parts.single : ['zhangwei', 'lina', 'wmCUST1', 'woCORP1'];
      const result: ConversationInfo = {
        conversation,
        title: group ? group.name : ids.map(nameOf).join(' ↔ '),
        kind: group ? 'group' : ids.every((id) => !id.startsWith('w')) ? 'colleague' : 'customer',
        dismissed: (group?.dismissed_at ?? null) !== null,
        messages: source.messages,
        participants: PARTICIPANTS.filter((p) => ids.includes(p.id)),
        first_msgtime: source.count ? entryTime(source.at(0)) : null,
        last_msgtime: source.count ? entryTime(source.at(source.count - 1)) : null,
      };
      return ok(result);
    },
    conversationPage: (request) => {
      const source = sources.get(request.conversation);
      if (!source) return Promise.reject(new BackendError('not_found', 'no such conversation'));
      try {
        return ok(decorate(page(source, request)));
      } catch (error) {
        return Promise.reject(error);
      }
    },

    customerDetails: (externalUserid) => {
      const c = CUSTOMERS.find((x) => x.id === externalUserid);
      if (!c) return Promise.reject(new BackendError('not_found', 'no such customer'));
      const zhangwei = PARTICIPANTS.find((p) => p.id === 'zhangwei')!;
      const details: CustomerDetails = {
        customer: c,
        contact_kind: c.id.startsWith('wo') ? 2 : 1,
        corp_name: c.corp_name,
        corp_full_name: c.corp_name ? `${c.corp_name}股份有限公司` : null,
        position: null,
        followers: [
          {
            employee: zhangwei,
            remark: `${c.name}（理财）`,
            description: '稳健型',
            added_at: 1_762_000_000,
            add_way: 1,
            source: 'offline-event',
            added_by: null,
            tags: [
              { group: '客户等级', name: 'VIP' },
              { group: '意向', name: '基金' },
            ],
          },
        ],
        deletions: [{ time: 1_763_600_000, kind: 'customer_deleted_employee', employee: zhangwei, detail: null }],
        status: 'deleted',
      };
      return ok(details);
    },
    employeeDetails: (userid) => {
      const e = EMPLOYEES.find((x) => x.employee.userid === userid);
      if (!e) return Promise.reject(new BackendError('not_found', 'no such employee'));
      return ok({
        employee: e.employee,
        department_names: e.employee.department.map((d) => DEPARTMENTS.find((x) => x.id === d)?.name ?? String(d)),
        counts: e.counts,
        customers: e.employee.userid === 'zhangwei' ? 3 : 0,
      });
    },

    mediaUrl: (request) => {
      log('mediaUrl', request);
      return ok(null);
    },
    saveMediaCopy: (request) => {
      log('saveMediaCopy', request);
      return ok(`/home/reviewer/Downloads/${request.filename}`);
    },
    openExternal: (url) => {
      log('openExternal', url);
      return ok(undefined);
    },
    ...review,
    ...overrides,
  };
  return backend;
}
