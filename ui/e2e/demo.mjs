// What the e2e walks expect, read from the generated demo archive itself (users.json,
// customers.json, messages.jsonl under DOSSIER_DEMO_DIR), never from the API under test: an
// employee, one of their customers, and the newest texts of the chat between the two.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The archive directory the demo built under `demoDir` (`server/<spec>/archive`). */
export function archiveDir(demoDir) {
  const server = join(demoDir, 'server');
  const spec = readdirSync(server).find((d) => !d.endsWith('.building') && d.startsWith('seed'));
  if (!spec) throw new Error(`no demo archive under ${server}`);
  return join(server, spec, 'archive');
}

/** The walk: an active employee with a customer chat of at least five texts. */
export function expectedWalk(demoDir) {
  const dir = archiveDir(demoDir);
  const users = JSON.parse(readFileSync(join(dir, 'users.json'), 'utf8')).userlist;
  const staff = new Map(users.map((u) => [u.userid, u]));
  const customers = new Map(
    JSON.parse(readFileSync(join(dir, 'customers.json'), 'utf8')).map((c) => [
      c.external_contact.external_userid,
      c.external_contact.name,
    ]),
  );
  const chats = new Map();
  for (const line of readFileSync(join(dir, 'messages.jsonl'), 'utf8').split('\n')) {
    if (!line) continue;
    const m = JSON.parse(line);
    if (m.roomid || m.action !== 'send' || m.tolist?.length !== 1) continue;
    const [a, b] = [m.from, m.tolist[0]];
    const employee = staff.has(a) ? a : staff.has(b) ? b : null;
    const customer = customers.has(a) ? a : customers.has(b) ? b : null;
    if (!employee || !customer || staff.get(employee).status !== 1) continue;
    const key = `${employee} ${customer}`;
    if (!chats.has(key)) chats.set(key, { employee, customer, messages: [] });
    chats.get(key).messages.push(m);
  }
  const texts = (c) => c.messages.filter((m) => m.msgtype === 'text');
  const chat = [...chats.values()]
    .filter((c) => texts(c).length >= 5)
    .sort((x, y) => texts(y).length - texts(x).length || x.employee.localeCompare(y.employee))[0];
  if (!chat) throw new Error('the demo archive has no customer chat with five texts');
  const newest = texts(chat)
    .sort((x, y) => y.msgtime - x.msgtime)
    .slice(0, 3)
    .map((m) => m.text.content);
  return {
    staffNames: new Set(users.map((u) => u.name)),
    employee: { id: chat.employee, name: staff.get(chat.employee).name },
    customer: { id: chat.customer, name: customers.get(chat.customer) },
    newestTexts: newest,
    messageCount: chat.messages.length,
  };
}
