// Pane 1's rows: departments as headings in tree order, each followed by its employees; departed
// and disabled employees gathered apart at the end (they are opened read-only).
import type { Department, EmployeeSummary } from '../backend';

export type TreeRow =
  | { kind: 'department'; key: string; department: Department; depth: number }
  | { kind: 'departed'; key: string }
  | { kind: 'employee'; key: string; summary: EmployeeSummary; depth: number; gone: boolean };

export function isGone(summary: EmployeeSummary): boolean {
  const status = summary.employee.status;
  return status === 'departed' || status === 'disabled';
}

function matches(summary: EmployeeSummary, departmentNames: string[], needle: string): boolean {
  if (!needle) return true;
  const e = summary.employee;
  return [e.name, e.userid, e.position, ...departmentNames].some((s) => s.toLowerCase().includes(needle));
}

export function employeeRows(departments: Department[], employees: EmployeeSummary[], filter: string): TreeRow[] {
  const needle = filter.trim().toLowerCase();
  const byId = new Map(departments.map((d) => [d.id, d]));
  const children = new Map<number, Department[]>();
  for (const d of departments) {
    const siblings = children.get(d.parentid) ?? [];
    siblings.push(d);
    children.set(d.parentid, siblings);
  }
  for (const list of children.values()) list.sort((a, b) => a.order - b.order || a.id - b.id);

  const pathNames = (id: number): string[] => {
    const names: string[] = [];
    for (let d = byId.get(id); d && names.length < 32; d = byId.get(d.parentid)) names.push(d.name);
    return names;
  };
  const home = (s: EmployeeSummary) => s.employee.main_department ?? s.employee.department[0] ?? 0;

  const members = new Map<number, EmployeeSummary[]>();
  const gone: EmployeeSummary[] = [];
  for (const s of employees) {
    if (!matches(s, pathNames(home(s)), needle)) continue;
    if (isGone(s)) {
      gone.push(s);
      continue;
    }
    const list = members.get(home(s)) ?? [];
    list.push(s);
    members.set(home(s), list);
  }

  const rows: TreeRow[] = [];
  // A department is drawn when it or a descendant has a matching employee.
  const populated = (d: Department): boolean =>
    (members.get(d.id)?.length ?? 0) > 0 || (children.get(d.id) ?? []).some(populated);
  const walk = (d: Department, depth: number) => {
    if (!populated(d)) return;
    rows.push({ kind: 'department', key: `d:${d.id}`, department: d, depth });
    for (const s of (members.get(d.id) ?? []).sort((a, b) => a.employee.name.localeCompare(b.employee.name, 'zh-CN'))) {
      rows.push({ kind: 'employee', key: `e:${s.employee.userid}`, summary: s, depth: depth + 1, gone: false });
    }
    for (const child of children.get(d.id) ?? []) walk(child, depth + 1);
  };
  const roots = departments.filter((d) => !byId.has(d.parentid));
  for (const root of roots.sort((a, b) => a.order - b.order)) walk(root, 0);
  // Employees whose department is unknown still appear.
  for (const [id, list] of members) {
    if (byId.has(id)) continue;
    for (const s of list) rows.push({ kind: 'employee', key: `e:${s.employee.userid}`, summary: s, depth: 0, gone: false });
  }
  if (gone.length) {
    rows.push({ kind: 'departed', key: 'departed' });
    for (const s of gone) rows.push({ kind: 'employee', key: `e:${s.employee.userid}`, summary: s, depth: 0, gone: true });
  }
  return rows;
}
