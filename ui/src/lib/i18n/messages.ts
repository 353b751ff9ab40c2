import type { ErrorCode } from '../backend/types';

/** Every string the UI shows. A dictionary must fill all of it: the compiler checks. */
export interface Messages {
  /** BCP 47 tag of the dictionary, set on `<html lang>` (it also picks CJK glyph variants). */
  lang: string;
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
    submit: string;
    submitting: string;
  };
  demo: {
    heading: string;
    body: string;
    open: string;
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
}
