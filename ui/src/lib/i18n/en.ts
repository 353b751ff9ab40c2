import type { Messages } from './messages';

export const en: Messages = {
  lang: 'en',
  app: {
    title: 'Dossier chat archive review',
    tagline: 'Connect to the archive server, sync the slice you may see, review it offline.',
  },
  connect: {
    heading: 'Connect to server',
    serverUrl: 'Server URL',
    serverUrlPlaceholder: 'https://archive.example.com',
    user: 'User',
    password: 'Password',
    submit: 'Connect',
    submitting: 'Connecting…',
  },
  demo: {
    heading: 'Try the demo first',
    body: 'Open the bundled demo archive: a synthetic organisation, customers and chats, no real data.',
    open: 'Open demo',
  },
  settings: {
    language: 'Language',
    theme: 'Theme',
    themeSystem: 'System',
    themeLight: 'Light',
    themeDark: 'Dark',
  },
  errors: {
    not_available: 'This is not available yet',
    ipc: 'The app shell refused the request',
    no_backend: 'Open this page in the Dossier desktop app',
    unknown: 'Something unexpected went wrong',
    detail: 'Details',
    dismiss: 'Dismiss',
  },
  footer: {
    version: (version) => `Version ${version}`,
    platform: (os, arch) => `${os} ${arch}`,
    webview: (version) => `WebView ${version}`,
    loading: 'Reading app information…',
    unavailable: 'App information unavailable',
  },
};
