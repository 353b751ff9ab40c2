// Light and dark themes are CSS variables (src/app.css). `system` follows prefers-color-scheme;
// `light` / `dark` pin the choice through `<html data-theme>`. The choice is remembered.

export type ThemePreference = 'system' | 'light' | 'dark';

export const THEME_PREFERENCES: readonly ThemePreference[] = ['system', 'light', 'dark'];

const STORAGE_KEY = 'dossier.theme';

function isPreference(value: unknown): value is ThemePreference {
  return value === 'system' || value === 'light' || value === 'dark';
}

function storedPreference(): ThemePreference {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    return isPreference(value) ? value : 'system';
  } catch {
    return 'system';
  }
}

let preference = $state<ThemePreference>(storedPreference());

function apply(value: ThemePreference): void {
  if (typeof document === 'undefined') return;
  const root = document.documentElement;
  if (value === 'system') delete root.dataset.theme;
  else root.dataset.theme = value;
}

export const theme = {
  get preference(): ThemePreference {
    return preference;
  },
  set(value: ThemePreference): void {
    preference = value;
    apply(value);
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, value);
    } catch {
      // Storage can be unavailable; the choice then lasts for this session.
    }
  },
  /** Apply the remembered preference (call once at start-up, before mounting). */
  init(): void {
    apply(preference);
  },
};
