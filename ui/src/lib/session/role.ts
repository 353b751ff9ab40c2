// Whether the signed-in account may annotate. Auditors read only; the server enforces it, the UI
// only hides the controls (and shows the server's `forbidden` message if one slips through).
import type { Backend } from '../backend';

/** Auditors, and a session that cannot be read, get no annotate controls. */
export async function canAnnotate(backend: Backend): Promise<boolean> {
  const session = await backend.currentSession().catch(() => null);
  return session !== null && session.role !== 'auditor';
}
