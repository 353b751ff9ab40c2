// Display names for ids the review commands send bare (search hits carry the sender's id only):
// the directory's employees and the customers, asked once per page.
import type { Backend } from '../backend';

/** id → name; ids the directory does not know are missing (show the id). */
export async function directoryNames(backend: Backend): Promise<Map<string, string>> {
  const [org, customers] = await Promise.all([
    backend.orgOverview().catch(() => ({ employees: [], departments: [] })),
    backend.listCustomers().catch(() => []),
  ]);
  const names = new Map<string, string>();
  for (const e of org.employees) names.set(e.employee.userid, e.employee.name);
  for (const c of customers) names.set(c.external_userid, c.name);
  return names;
}
