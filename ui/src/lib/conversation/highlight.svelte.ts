// The 高亮敏感内容 toggle: on by default, remembered per machine (a UI preference, not content).
const KEY = 'dossier.highlightHits';

function stored(): boolean {
  try {
    return globalThis.localStorage?.getItem(KEY) !== 'off';
  } catch {
    return true;
  }
}

let on = $state(stored());

export const highlightHits = {
  get on(): boolean {
    return on;
  },
  set(value: boolean): void {
    on = value;
    try {
      globalThis.localStorage?.setItem(KEY, value ? 'on' : 'off');
    } catch {
      // Storage unavailable: the choice lasts for this session.
    }
  },
  /** Read the stored choice again (tests clear localStorage between cases). */
  reload(): void {
    on = stored();
  },
};
