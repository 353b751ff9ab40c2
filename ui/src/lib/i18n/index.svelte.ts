// Plain typed dictionaries, one reactive locale. zh-CN is the default; the choice is remembered.
import { en } from './en';
import type { Messages } from './messages';
import { zhCN } from './zh-CN';

export type { Messages } from './messages';

export type Locale = 'zh-CN' | 'en';

export const LOCALES: readonly { id: Locale; label: string }[] = [
  // Each language is labelled in itself, so it can be found whatever is showing.
  { id: 'zh-CN', label: '中文' },
  { id: 'en', label: 'English' },
];

const DICTIONARIES: Record<Locale, Messages> = { 'zh-CN': zhCN, en };

export const DEFAULT_LOCALE: Locale = 'zh-CN';
const STORAGE_KEY = 'dossier.locale';

function isLocale(value: unknown): value is Locale {
  return value === 'zh-CN' || value === 'en';
}

function storedLocale(): Locale {
  try {
    const value = globalThis.localStorage?.getItem(STORAGE_KEY);
    return isLocale(value) ? value : DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE;
  }
}

let current = $state<Locale>(storedLocale());

function applyLang(locale: Locale): void {
  if (typeof document !== 'undefined') document.documentElement.lang = DICTIONARIES[locale].lang;
}

/** The current locale and its dictionary; reading `i18n.t` in a component makes it reactive. */
export const i18n = {
  get locale(): Locale {
    return current;
  },
  get t(): Messages {
    return DICTIONARIES[current];
  },
  setLocale(locale: Locale): void {
    current = locale;
    applyLang(locale);
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, locale);
    } catch {
      // Storage can be unavailable (private mode, tests); the choice then lasts for this session.
    }
  },
  /** Put `<html lang>` in line with the current locale (call once at start-up). */
  init(): void {
    applyLang(current);
  },
};
