import type { CustomerSummary, EmployeeSummary, GroupSummary, PartnerSummary } from '../backend';

/** The three entry points of pane 1. */
export type Mode = 'employees' | 'customers' | 'groups';

/** What pane 1 opened. */
export type Pick =
  | { kind: 'employee'; summary: EmployeeSummary; readOnly: boolean }
  | { kind: 'customer'; customer: CustomerSummary }
  | { kind: 'group'; group: GroupSummary };

/** What pane 2 opened: a conversation, with whose side is drawn on the right. */
export interface OpenConversation {
  partner: PartnerSummary;
  selfId: string | null;
  readOnly: boolean;
  /** Open at this message ("view in context") instead of the newest. */
  focus?: string | null;
  /** Opened by key from another page: the partner row is a stand-in; names come from the
   *  conversation's info, the right side is its first employee. */
  direct?: boolean;
}
