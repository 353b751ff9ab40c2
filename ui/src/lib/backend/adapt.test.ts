import { clearMocks, mockIPC } from '@tauri-apps/api/mocks';
import { afterEach, describe, expect, it } from 'vitest';

import { conversationPage, orgOverview, pageAt, partners, profileEntry, sessionInfo } from './adapt';
import type * as api from './api-types';
import { tauriBackend } from './tauri';

const zhang: api.Person = { id: 'zhangwei', name: '张伟', side: 'employee' };
const wang: api.Person = { id: 'wmCUST1', name: '王女士', side: 'customer' };

function view(over: Partial<api.MessageView>): api.MessageView {
  return {
    id: 1,
    msgid: 'm1',
    seq: '18446744073709551615',
    msgtime: 1_763_705_100_000,
    sender: zhang,
    action: 'send',
    msgtype: 'text',
    text: '',
    content: { msgtype: 'text', content: '你好' },
    revoked: null,
    revokes: null,
    hits: [],
    annotations: 0,
    media: null,
    ...over,
  };
}

describe('adapt', () => {
  it('flattens the department tree into parent links in the org order, departed employees included', () => {
    const directory: api.Directory = {
      departments: [
        { id: 1, name: '总公司', employees: [], children: [{ id: 2, name: '财富管理部', employees: ['zhangwei'], children: [] }] },
      ],
      employees: [
        {
          userid: 'zhangwei',
          name: '张伟',
          position: '理财经理',
          departments: [2],
          main_department: 2,
          status: 'active',
          departed: false,
          stats: { conversations: 527, conversations_with_hits: 13, hits: 127, hit_messages: 90, last_time: null },
        },
      ],
      departed: [
        {
          userid: 'zhaolei',
          name: '赵磊',
          position: '',
          departments: [2],
          main_department: null,
          status: 'departed',
          departed: true,
          stats: { conversations: 1, conversations_with_hits: 0, hits: 0, hit_messages: 0, last_time: null },
        },
      ],
    };
    const org = orgOverview(directory);
    expect(org.departments).toEqual([
      { id: 1, name: '总公司', parentid: 0, order: 0 },
      { id: 2, name: '财富管理部', parentid: 1, order: 0 },
    ]);
    expect(org.employees.map((e) => [e.employee.userid, e.employee.status])).toEqual([
      ['zhangwei', 'active'],
      ['zhaolei', 'departed'],
    ]);
    expect(org.employees[0]!.counts).toEqual({ conversations_with_hits: 13, conversations: 527, hits_open: 127, hits: 127 });
  });

  it('turns the three partner lists into kinds', () => {
    const p = (name: string, over: Partial<api.Partner> = {}): api.Partner => ({
      conversation: `k:${name}`,
      person: null,
      roomid: null,
      name,
      dismissed: false,
      messages: 1,
      last_time: 5,
      hits: 0,
      hit_messages: 0,
      ...over,
    });
    const rows = partners({
      of: zhang,
      customers: [p('王女士', { person: wang })],
      employees: [p('李娜', { person: { id: 'lina', name: '李娜', side: 'employee' } })],
      groups: [p('群', { roomid: 'wr1', dismissed: true })],
    });
    expect(rows.map((r) => [r.kind, r.id, r.conversation, r.dismissed])).toEqual([
      ['customer', 'wmCUST1', 'k:王女士', false],
      ['colleague', 'lina', 'k:李娜', false],
      ['group', 'wr1', 'k:群', true],
    ]);
  });

  it('maps page anchors to the API’s PageAt', () => {
    expect(pageAt({ kind: 'latest' })).toEqual({ at: 'newest' });
    expect(pageAt({ kind: 'before', cursor: { time: 10, id: '42' } })).toEqual({ at: 'before', anchor: { msgtime: 10, id: 42 } });
    expect(pageAt({ kind: 'after', cursor: { time: 10, id: '42' } })).toEqual({ at: 'after', anchor: { msgtime: 10, id: 42 } });
    expect(pageAt({ kind: 'at', time: 1000 })).toEqual({ at: 'date', time: 1000 });
    expect(pageAt({ kind: 'at', time: 0 })).toEqual({ at: 'oldest' });
    expect(pageAt({ kind: 'message', msgid: 'm42' })).toEqual({ at: 'around', msgid: 'm42' });
  });

  it('turns message views into entries: row-id cursors, senders, recalls with their original, the focus', () => {
    const page = conversationPage({
      messages: [
        view({ id: 7, msgid: 'a', revoked: { at: 1_763_705_130_000 } }),
        view({
          id: 8,
          msgid: 'b',
          action: 'recall',
          msgtype: 'revoke',
          content: { msgtype: 'revoke', pre_msgid: 'a' },
          revokes: { msgid: 'a', found: true, msgtype: 'text', text: '你好', content: { msgtype: 'text', content: '你好' } },
        }),
        view({ id: 9, msgid: 'c', sender: wang, content: { msgtype: 'file', filename: 'x.pdf', fileext: 'pdf', filesize: '2411724', sdkfileid: 'f' } }),
        view({ id: 10, msgid: 'd', content: {} as unknown as api.MessageView['content'] }),
        view({ id: 11, msgid: 'e', revokes: { msgid: 'z', found: false, msgtype: null, text: null, content: null } }),
      ],
      more_before: true,
      more_after: false,
      focus: 'c',
    });
    expect(page.has_older).toBe(true);
    expect(page.has_newer).toBe(false);
    expect(page.anchor_index).toBe(2);
    const [a, b, c, d, e] = page.entries.map((x) => (x.entry === 'message' ? x : null));
    expect(a!.cursor).toEqual({ time: 1_763_705_100_000, id: '7' });
    expect(a!.recalled_at).toBe(1_763_705_130_000);
    expect(b!.original).toMatchObject({ msgid: 'a', content: { msgtype: 'text', content: '你好' } });
    expect(c!.sender).toEqual({ id: 'wmCUST1', name: '王女士', kind: 'customer', corp_name: null });
    expect(c!.message.content).toEqual({ msgtype: 'file', filename: 'x.pdf', fileext: 'pdf', filesize: '2411724', sdkfileid: 'f' });
    // Content without a msgtype is shown raw, never dropped.
    expect(d!.message.content).toEqual({ msgtype: 'unknown', name: '', raw: {} });
    // A recalled message outside the cache: no original to show.
    expect(e!.original).toBeNull();
  });
});

describe('tauriBackend browsing commands', () => {
  afterEach(() => clearMocks());

  it('calls conversation_page with the key, the PageAt and the limit, and adapts the answer', async () => {
    const calls: [string, unknown][] = [];
    mockIPC((cmd, args) => {
      calls.push([cmd, args]);
      return { messages: [view({ id: 3 })], more_before: false, more_after: false, focus: null };
    });
    const page = await tauriBackend.conversationPage({
      conversation: 's:wmCUST1|zhangwei',
      anchor: { kind: 'before', cursor: { time: 5, id: '3' } },
      limit: 100,
    });
    expect(calls).toEqual([
      ['conversation_page', { conversation: 's:wmCUST1|zhangwei', at: { at: 'before', anchor: { msgtime: 5, id: 3 } }, limit: 100 }],
    ]);
    expect(page.entries).toHaveLength(1);
  });

  it('asks partners of a participant and directory for the org', async () => {
    const calls: string[] = [];
    mockIPC((cmd) => {
      calls.push(cmd);
      if (cmd === 'directory') return { departments: [], employees: [], departed: [] };
      return { of: zhang, customers: [], employees: [], groups: [] };
    });
    await tauriBackend.orgOverview();
    await tauriBackend.employeePartners('zhangwei');
    expect(calls).toEqual(['directory', 'partners']);
  });
});

describe('profiles and sessions', () => {
  it('splits a server account profile id into user and server for the picker', () => {
    expect(profileEntry({ id: 'reviewer@127.0.0.1-7171', key_source: 'passphrase' })).toEqual({
      id: 'reviewer@127.0.0.1-7171',
      name: 'reviewer@127.0.0.1-7171',
      user: 'reviewer',
      server_url: '127.0.0.1-7171',
      key_source: 'passphrase',
      last_opened_at: null,
    });
    expect(profileEntry({ id: 'laptop', key_source: 'os_keyring' }).user).toBe('laptop');
  });

  it('takes server, user and role from the open profile and falls back to the least privilege', () => {
    const info = sessionInfo({
      profile_id: 'reviewer@127.0.0.1-7171',
      server: 'http://127.0.0.1:7171',
      user: 'reviewer',
      role: 'reviewer',
    });
    expect(info.role).toBe('reviewer');
    expect(info.profile.server_url).toBe('http://127.0.0.1:7171');
    const unknown = sessionInfo({ profile_id: 'x', server: null, user: null, role: 'superuser' });
    expect(unknown.role).toBe('auditor');
    expect(unknown.profile.user).toBe('x');
  });
});
