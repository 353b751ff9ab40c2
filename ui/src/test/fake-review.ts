// The review half of the fake backend (issue 10): a small lexicon and two behaviour detectors run
// over the fake's conversations, so hits in the conversation pane, the violation centre, search
// and annotations all agree. Spans count Unicode scalar values, as the API's do.
import type {
  AnnotationView,
  ConflictView,
  Backend,
  ConversationEntry,
  ConversationKey,
  FacetCount,
  Hit,
  LexiconView,
  Person,
  ReviewState,
  RuleView,
  SearchHit,
  SessionInfo,
  SnippetView,
  ViolationRow,
} from '../lib/backend';
import { BackendError } from '../lib/backend';

/** The server's lexicons in the fake. */
export const SERVER_LEXICONS: LexiconView[] = [
  { name: '承诺收益', source: 'server', words: ['保本', '稳赚', '保证'], severity: 'high' },
  { name: '私下联系', source: 'server', words: ['私人微信'], severity: 'medium' },
];

/** What the review methods need from the rest of the fake. */
export interface ReviewSources {
  /** Every entry of every conversation the violation centre and search cover. */
  entries(): { conversation: ConversationKey; entry: ConversationEntry }[];
  nameOf(id: string): string;
  session(): SessionInfo | null;
  log(name: string, ...args: unknown[]): void;
}

export type ReviewMethods = Pick<
  Backend,
  | 'search'
  | 'recentSearches'
  | 'violations'
  | 'annotations'
  | 'saveAnnotation'
  | 'deleteAnnotation'
  | 'annotationConflicts'
  | 'resolveConflict'
  | 'ruleSet'
  | 'previewLexicon'
  | 'saveLexicon'
  | 'deleteLexicon'
  | 'markRead'
>;

/** The text rules scan: a text message's content (other types carry none in the fake). */
export function entryText(entry: ConversationEntry): string {
  if (entry.entry !== 'message') return '';
  const c = entry.message.content;
  return c.msgtype === 'text' || c.msgtype === 'markdown' ? c.content : '';
}

/** Occurrences of `word` in `text`, as scalar-value spans. */
function find(chars: string[], word: string): [number, number][] {
  const w = Array.from(word);
  const out: [number, number][] = [];
  for (let i = 0; i + w.length <= chars.length; i++) {
    if (w.every((ch, j) => chars[i + j] === ch)) out.push([i, i + w.length]);
  }
  return out;
}

/** Hits of `lexicons` and the behaviour detectors on one entry. */
export function scan(entry: ConversationEntry, lexicons: LexiconView[]): Hit[] {
  if (entry.entry !== 'message') return [];
  const hits: Hit[] = [];
  const chars = Array.from(entryText(entry));
  for (const lexicon of lexicons) {
    for (const word of lexicon.words) {
      for (const [start, end] of find(chars, word)) {
        hits.push({ rule: lexicon.name, kind: 'word', behaviour: false, severity: lexicon.severity, word, start, end });
      }
    }
  }
  // A phone number handed out (11 digits starting with 1).
  const text = chars.join('');
  for (const m of text.matchAll(/1\d{10}/g)) {
    const start = Array.from(text.slice(0, m.index)).length;
    hits.push({ rule: '手机号', kind: 'phone', behaviour: true, severity: 'medium', word: m[0], start, end: start + 11 });
  }
  const type = entry.message.content.msgtype;
  if (type === 'redpacket' || type === 'external_redpacket') {
    hits.push({ rule: '红包', kind: 'redpacket', behaviour: true, severity: 'high', word: null, start: 0, end: 0 });
  }
  return hits.sort((a, b) => a.start - b.start);
}

/** A window of `text` around `[start, end)`, spans relative to it. */
export function snippet(text: string, spans: [number, number][]): SnippetView {
  const chars = Array.from(text);
  const first = spans[0]?.[0] ?? 0;
  const from = Math.max(0, first - 12);
  const to = Math.min(chars.length, from + 48);
  return {
    text: chars.slice(from, to).join(''),
    spans: spans.filter(([s]) => s >= from && s < to).map(([s, e]) => ({ start: s - from, end: Math.min(e, to) - from })),
    cut_start: from > 0,
    cut_end: to < chars.length,
  };
}

const SEVERITY: Record<string, number> = { high: 3, medium: 2, low: 1 };
const MONTH = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 7);

export function reviewMethods(
  src: ReviewSources,
): ReviewMethods & { lexicons(): LexiconView[]; conflicts: ConflictView[]; notes: AnnotationView[] } {
  const local: LexiconView[] = [];
  const conflicts: ConflictView[] = [];
  const notes: AnnotationView[] = [];
  const recent: string[] = [];
  let nextNote = 1;
  const lexicons = () => [...SERVER_LEXICONS, ...local];
  const person = (id: string): Person => ({ id, name: src.nameOf(id), side: id.startsWith('w') ? 'customer' : 'employee' });

  /** Review state of a hit: done once a verdict covers its message (and span, if one was given). */
  function stateOf(msgid: string, hit: Hit): { state: ReviewState; verdict: AnnotationView['verdict'] } {
    const note = notes.find(
      (n) =>
        n.verdict !== null &&
        n.target.msgid === msgid &&
        (n.target.span === null || (n.target.span.start <= hit.start && n.target.span.end >= hit.end)),
    );
    if (note) return { state: 'done', verdict: note.verdict };
    const commented = notes.some((n) => n.target.msgid === msgid);
    return { state: commented ? 'in_review' : 'unreviewed', verdict: null };
  }

  function allRows(): ViolationRow[] {
    const rows: ViolationRow[] = [];
    let hitId = 1;
    for (const { conversation, entry } of src.entries()) {
      if (entry.entry !== 'message') continue;
      const text = entryText(entry);
      for (const hit of scan(entry, lexicons())) {
        const employee = [entry.message.from, ...entry.message.tolist].find((id) => !id.startsWith('w')) ?? null;
        const partner = [entry.message.from, ...entry.message.tolist].find((id) => id !== employee) ?? '';
        rows.push({
          hit_id: hitId++,
          msgid: entry.message.msgid,
          message_id: Number(entry.cursor.id.replace(/\D/g, '')) || hitId,
          conversation,
          msgtime: entry.message.msgtime,
          msgtype: entry.message.content.msgtype,
          sender: person(entry.message.from),
          employee: employee ? person(employee) : null,
          partner: entry.message.roomid || src.nameOf(partner),
          rule: hit.rule,
          kind: hit.kind,
          behaviour: hit.behaviour,
          severity: hit.severity,
          word: hit.word,
          start: hit.start,
          end: hit.end,
          snippet: snippet(text, hit.end > hit.start ? [[hit.start, hit.end]] : []),
          local: local.some((l) => l.name === hit.rule),
          ...stateOf(entry.message.msgid, hit),
        });
      }
    }
    return rows;
  }

  const facet = (values: string[]): FacetCount[] => {
    const counts = new Map<string, number>();
    for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
    return [...counts].map(([value, count]) => ({ value, count }));
  };

  function me(): string {
    return src.session()?.profile.user ?? 'reviewer';
  }

  return {
    lexicons,
    conflicts,
    notes,

    search: async ({ query, sort, page, pageSize }) => {
      src.log('search', { query, sort, page, pageSize });
      if ((query.match(/"/g) ?? []).length % 2) throw new BackendError('bad_input', 'column 1: a phrase is not closed with "');
      if (/\b(AND|OR|NOT)\s*$/.test(query)) throw new BackendError('bad_input', 'the query ends with an operator');
      recent.splice(0, recent.length, query, ...recent.filter((q) => q !== query).slice(0, 9));
      const filters = [...query.matchAll(/(\w+):(\S+)/g)].map((m) => [m[1]!, m[2]!] as const);
      const words = query
        .replace(/(\w+):(\S+)/g, ' ')
        .split(/\s+/)
        .map((w) => w.replace(/"/g, ''))
        .filter((w) => w && !['AND', 'OR', 'NOT'].includes(w));
      const hits: SearchHit[] = [];
      const taking = new Map<string, string[]>();
      for (const { conversation, entry } of src.entries()) {
        if (entry.entry !== 'message') continue;
        const text = entryText(entry);
        const chars = Array.from(text);
        const spans = words.flatMap((w) => find(chars, w));
        if (words.length && !words.every((w) => find(chars, w).length)) continue;
        if (!words.length && !filters.length) continue;
        const ids = [entry.message.from, ...entry.message.tolist];
        const pass = filters.every(([k, v]) =>
          k === 'employee' ? ids.includes(v) : k === 'customer' ? ids.includes(v) : k === 'type' ? entry.message.content.msgtype === v : true,
        );
        if (!pass) continue;
        taking.set(entry.message.msgid, ids);
        hits.push({
          msgid: entry.message.msgid,
          id: Number(entry.cursor.id.replace(/\D/g, '')) || 0,
          conversation,
          msgtime: entry.message.msgtime,
          sender: { id: entry.message.from, name: entry.message.from, side: entry.message.from.startsWith('w') ? 'customer' : 'employee' },
          msgtype: entry.message.content.msgtype,
          spans: spans.map(([start, end]) => ({ start, end })),
          snippet: snippet(text, spans),
          score: sort === 'relevance' ? spans.length : null,
        });
      }
      hits.sort((a, b) => (sort === 'newest' ? b.msgtime - a.msgtime : (b.score ?? 0) - (a.score ?? 0)));
      const employees = hits.flatMap((h) => taking.get(h.msgid)!.filter((id) => !id.startsWith('w')));
      return {
        total: hits.length,
        page,
        page_size: pageSize,
        hits: hits.slice(page * pageSize, (page + 1) * pageSize),
        facets:
          page === 0
            ? {
                employee: facet(employees),
                msgtype: facet(hits.map((h) => h.msgtype)),
                customer: facet(hits.map((h) => h.sender.id).filter((id) => id.startsWith('w'))),
                group: [],
                month: facet(hits.map((h) => MONTH(h.msgtime))).sort((a, b) => a.value.localeCompare(b.value)),
              }
            : null,
      };
    },
    recentSearches: async () => [...recent],

    violations: async (query) => {
      src.log('violations', query);
      const base = allRows().filter(
        (r) =>
          (query.from === null || r.msgtime >= query.from) &&
          (query.to === null || r.msgtime < query.to) &&
          (query.employee === null || r.employee?.id === query.employee) &&
          (query.rule === null || r.rule === query.rule) &&
          (query.kind === null || r.kind === query.kind) &&
          (query.msgtype === null || r.msgtype === query.msgtype) &&
          (query.state === null || r.state === query.state),
      );
      const rows = base.filter((r) => r.behaviour === (query.tab === 'behaviour'));
      rows.sort((a, b) =>
        query.sort === 'oldest'
          ? a.msgtime - b.msgtime
          : query.sort === 'severity'
            ? (SEVERITY[b.severity] ?? 0) - (SEVERITY[a.severity] ?? 0) || b.msgtime - a.msgtime
            : b.msgtime - a.msgtime,
      );
      return {
        total: rows.length,
        rows: rows.slice(query.offset, query.offset + query.limit),
        rules: facet(rows.map((r) => r.rule)),
        kinds: facet(rows.map((r) => r.kind)),
        words: base.filter((r) => !r.behaviour).length,
        behaviour: base.filter((r) => r.behaviour).length,
        unreviewed: rows.filter((r) => r.state === 'unreviewed').length,
      };
    },

    annotations: async (filter) => {
      src.log('annotations', filter);
      return notes
        .filter(
          (n) =>
            (filter.conversation === null || n.target.conversation === filter.conversation) &&
            (filter.msgid === null || n.target.msgid === filter.msgid) &&
            (!filter.mine || n.mine) &&
            (filter.verdict === null || n.verdict === filter.verdict),
        )
        .map((n) => ({ ...n, target: { ...n.target }, tags: [...n.tags] }));
    },
    saveAnnotation: async (input) => {
      src.log('saveAnnotation', input);
      if (src.session()?.role === 'auditor') throw new BackendError('forbidden', 'auditors cannot annotate');
      const existing = input.id === null ? undefined : notes.find((n) => n.id === input.id);
      if (input.id !== null && !existing) throw new BackendError('not_found', `no annotation ${input.id}`);
      if (existing && !existing.mine) throw new BackendError('forbidden', 'only the author can edit an annotation');
      const found = src.entries().find(({ entry }) => entry.entry === 'message' && entry.message.msgid === input.target.msgid);
      const note: AnnotationView = {
        id: existing?.id ?? `a-${nextNote++}`,
        target: input.target,
        author: me(),
        comment: input.comment,
        tags: input.tags,
        verdict: input.verdict,
        version: (existing?.version ?? 0) + 1,
        updated_at: Date.now(),
        pending: true,
        mine: true,
        excerpt: found ? entryText(found.entry).slice(0, 40) || null : null,
        msgtime: found && found.entry.entry === 'message' ? found.entry.message.msgtime : null,
      };
      if (existing) notes.splice(notes.indexOf(existing), 1, note);
      else notes.push(note);
      return { ...note };
    },
    deleteAnnotation: async (id) => {
      src.log('deleteAnnotation', id);
      const i = notes.findIndex((n) => n.id === id);
      if (i < 0) throw new BackendError('not_found', `no annotation ${id}`);
      if (!notes[i]!.mine) throw new BackendError('forbidden', 'only the author can delete an annotation');
      notes.splice(i, 1);
    },
    annotationConflicts: async () => conflicts.map((c) => ({ ...c })),
    resolveConflict: async (id, keep) => {
      src.log('resolveConflict', id, keep);
      const i = conflicts.findIndex((c) => c.id === id);
      if (i < 0) throw new BackendError('not_found', `no conflict ${id}`);
      const [conflict] = conflicts.splice(i, 1);
      const kept = keep === 'mine' ? conflict!.mine : conflict!.theirs;
      const at = notes.findIndex((n) => n.id === conflict!.annotation_id);
      if (at >= 0) notes.splice(at, 1);
      if (kept) notes.push({ ...kept, pending: keep === 'mine' });
    },

    ruleSet: async () => {
      const rules: RuleView[] = [
        ...lexicons().map((l) => ({ name: l.name, source: l.source, words: l.words.length, severity: l.severity, enabled: true })),
        { name: '手机号', source: 'server', words: 0, severity: 'medium', enabled: true },
        { name: '红包', source: 'server', words: 0, severity: 'high', enabled: true },
      ];
      return { rules, lexicons: lexicons().map((l) => ({ ...l, words: [...l.words] })) };
    },
    previewLexicon: async (words) => {
      src.log('previewLexicon', words);
      const lexicon: LexiconView = { name: 'preview', source: 'local', words, severity: 'low' };
      const all = src.entries();
      let messages = 0;
      let hits = 0;
      const samples = [];
      for (const { conversation, entry } of all) {
        if (entry.entry !== 'message') continue;
        const found = scan(entry, [lexicon]).filter((h) => h.rule === 'preview');
        if (!found.length) continue;
        messages++;
        hits += found.length;
        if (samples.length < 3) {
          samples.push({
            msgid: entry.message.msgid,
            conversation,
            msgtime: entry.message.msgtime,
            snippet: snippet(entryText(entry), found.map((h) => [h.start, h.end] as [number, number])),
          });
        }
      }
      return { scanned: all.length, messages, hits, samples };
    },
    saveLexicon: async (name, words, severity, onProgress) => {
      src.log('saveLexicon', name, words, severity);
      const total = src.entries().length;
      for (const f of [0.5, 1]) onProgress({ scanned: Math.round(total * f), total, hits: 0 });
      const i = local.findIndex((l) => l.name === name);
      const lexicon: LexiconView = { name, source: 'local', words, severity };
      if (i >= 0) local.splice(i, 1, lexicon);
      else local.push(lexicon);
      const hits = allRows().filter((r) => r.rule === name);
      return { scanned: total, messages: new Set(hits.map((h) => h.msgid)).size, hits: hits.length };
    },
    deleteLexicon: async (name) => {
      src.log('deleteLexicon', name);
      const i = local.findIndex((l) => l.name === name);
      if (i < 0) throw new BackendError('not_found', `no local lexicon ${name}`);
      local.splice(i, 1);
      return { scanned: src.entries().length, messages: 0, hits: 0 };
    },
    markRead: async (conversation, anchor) => {
      src.log('markRead', conversation, anchor);
    },
  };
}
