import type { Messages } from './messages';

export const zhCN: Messages = {
  lang: 'zh-CN',
  app: {
    title: 'Dossier 会话存档审阅',
    tagline: '连接会话存档服务器，同步您有权查看的范围，离线审阅。',
  },
  connect: {
    heading: '连接服务器',
    serverUrl: '服务器地址',
    serverUrlPlaceholder: 'https://archive.example.com',
    user: '用户名',
    password: '密码',
    submit: '连接',
    submitting: '正在连接…',
  },
  demo: {
    heading: '先看看演示',
    body: '打开内置的演示存档：合成的组织、客户和会话，不含真实数据。',
    open: '打开演示',
  },
  settings: {
    language: '语言',
    theme: '主题',
    themeSystem: '跟随系统',
    themeLight: '浅色',
    themeDark: '深色',
  },
  errors: {
    not_available: '此功能尚未提供',
    ipc: '应用外壳拒绝了此请求',
    no_backend: '请在 Dossier 桌面应用中打开',
    unknown: '出现了意外错误',
    detail: '详细信息',
    dismiss: '关闭',
  },
  footer: {
    version: (version) => `版本 ${version}`,
    platform: (os, arch) => `${os} ${arch}`,
    webview: (version) => `WebView ${version}`,
    loading: '正在读取应用信息…',
    unavailable: '无法读取应用信息',
  },
};
