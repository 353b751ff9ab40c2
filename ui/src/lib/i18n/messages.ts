import type { ErrorCode } from '../backend/types';
import type { ReviewMessages } from './review-messages';

/** Every string the UI shows. A dictionary must fill all of it: the compiler checks. */
export interface Messages {
  /** BCP 47 tag of the dictionary, set on `<html lang>` (it also picks CJK glyph variants). */
  lang: string;
  /** The review pages (issue 10). */
  review: ReviewMessages;
  app: {
    title: string;
    tagline: string;
  };
  connect: {
    heading: string;
    serverUrl: string;
    serverUrlPlaceholder: string;
    user: string;
    password: string;
    usePassphrase: string;
    passphrase: string;
    submit: string;
    submitting: string;
  };
  demo: {
    heading: string;
    body: string;
    open: string;
    openAuditor: string;
  };
  settings: {
    language: string;
    theme: string;
    themeSystem: string;
    themeLight: string;
    themeDark: string;
  };
  errors: Record<ErrorCode, string> & {
    /** Heading above the detail the backend sent. */
    detail: string;
    dismiss: string;
  };
  footer: {
    version: (version: string) => string;
    platform: (os: string, arch: string) => string;
    webview: (version: string) => string;
    loading: string;
    unavailable: string;
  };
  common: {
    cancel: string;
    close: string;
    retry: string;
  };
  nav: {
    mode: string;
    employees: string;
    customers: string;
    groups: string;
    filter: string;
    filterPlaceholder: string;
    departed: string;
    readOnly: string;
    noMatch: string;
    conversationsUnit: string;
    hitsUnit: string;
    countsTitle: (withHits: number, conversations: number, open: number, hits: number) => string;
    employeesOf: (n: number) => string;
    membersOf: (n: number) => string;
    internalGroup: string;
    customerGroup: string;
    pane: string;
  };
  partners: {
    pane: string;
    pick: string;
    none: string;
    customers: string;
    colleagues: string;
    groups: string;
    dismissed: string;
    hits: (n: number) => string;
    messages: (n: number) => string;
    employeesOfCustomer: string;
  };
  conversation: {
    pane: string;
    pick: string;
    flow: string;
    loading: string;
    loadingOlder: string;
    loadingNewer: string;
    empty: string;
    jumpToDate: string;
    latest: string;
    details: string;
    readOnly: string;
    dismissed: string;
    messages: (n: number) => string;
    wechat: string;
    revoked: (name: string) => string;
    originalContent: string;
    originalMissing: (msgid: string) => string;
    recalledAt: (time: string) => string;
    system: {
      joined: (name: string) => string;
      invited: (invitor: string, name: string) => string;
      left: (name: string) => string;
      employeeDeletedCustomer: (employee: string, customer: string) => string;
      customerDeletedEmployee: (customer: string, employee: string) => string;
      groupDismissed: string;
    };
  };
  msg: {
    image: string;
    emotion: string;
    viewLarger: (label: string) => string;
    mediaLoading: string;
    mediaMissing: string;
    saveCopy: string;
    saveConfirmTitle: string;
    saveConfirmBody: string;
    savedTo: (path: string) => string;
    voice: string;
    video: string;
    videoNoPlayback: string;
    voiceNoPlayback: string;
    meetingVoiceCall: string;
    voipDocShare: string;
    ended: (time: string) => string;
    presented: (who: string, file: string) => string;
    sharedScreen: (who: string) => string;
    link: string;
    openLink: string;
    openLinkTitle: string;
    openLinkBody: string;
    weapp: string;
    card: string;
    personalCard: string;
    location: string;
    chatrecord: string;
    expand: (n: number) => string;
    collapse: string;
    fromGroup: string;
    redpacket: string;
    externalRedpacket: string;
    redpacketKinds: Record<number, string>;
    packets: (n: number) => string;
    meeting: string;
    calendar: string;
    place: string;
    organiser: string;
    attendees: string;
    docmsg: string;
    creator: string;
    todo: string;
    vote: string;
    voteStarted: string;
    voteJoined: string;
    collect: string;
    news: string;
    sphfeed: string;
    feedTypes: Record<number, string>;
    voiptext: string;
    voipKinds: Record<number, string>;
    qydiskfile: string;
    markdown: string;
    agree: (who: string, when: string) => string;
    disagree: (who: string, when: string) => string;
    switch: string;
    revoke: (msgid: string) => string;
    unknown: (type: string) => string;
  };
  details: {
    customer: string;
    employee: string;
    show: string;
    hide: string;
    corp: string;
    kind: string;
    kinds: Record<number, string>;
    addedBy: string;
    addedAt: string;
    source: string;
    addWays: Record<number, string>;
    operator: string;
    remark: string;
    description: string;
    tags: string;
    status: string;
    following: string;
    deleted: string;
    events: string;
    noEvents: string;
    eventText: (kind: string, employee: string, customer: string) => string;
    position: string;
    departments: string;
    statuses: Record<string, string>;
    customers: string;
    counts: string;
  };
  sync: {
    strip: string;
    syncNow: string;
    syncing: string;
    progress: (messages: number, fraction: number, etaSecs: number | null) => string;
    lastSync: (when: string) => string;
    never: string;
    offline: string;
    online: string;
    leaseExpires: (when: string) => string;
    leaseExpired: string;
  };
  profiles: {
    heading: string;
    open: string;
    keyring: string;
    passphraseProtected: string;
    lastOpened: (when: string) => string;
    unlockHeading: (name: string) => string;
    passphrase: string;
    unlock: string;
    unlocking: string;
    back: string;
    newConnection: string;
    lock: string;
  };
  keys: {
    hint: (mod: string) => string;
  };
}
