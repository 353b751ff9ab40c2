// Platform shortcuts: Cmd on macOS, Ctrl elsewhere.

export function isMac(): boolean {
  const platform =
    (globalThis.navigator as Navigator & { userAgentData?: { platform?: string } } | undefined)?.userAgentData
      ?.platform ??
    globalThis.navigator?.platform ??
    '';
  return /mac|iphone|ipad/i.test(platform);
}

/** Whether the platform's command modifier is held (and only it among Cmd/Ctrl). */
export function hasMod(event: KeyboardEvent): boolean {
  return isMac() ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
}

/** How to write the modifier in a hint: `⌘` or `Ctrl+`. */
export function modLabel(): string {
  return isMac() ? '⌘' : 'Ctrl+';
}

/** True when the key event comes from a text field, where letters are typing, not commands. */
export function fromTextField(event: KeyboardEvent): boolean {
  const target = event.target as HTMLElement | null;
  if (!target) return false;
  return target.tagName === 'INPUT' || target.tagName === 'TEXTAREA' || target.isContentEditable;
}
