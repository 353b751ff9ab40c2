import './app.css';

import { mount } from 'svelte';

import App from './App.svelte';
import { tauriBackend } from './lib/backend/tauri';
import { i18n } from './lib/i18n/index.svelte';
import { theme } from './lib/theme/index.svelte';

theme.init();
i18n.init();

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

export default mount(App, { target, props: { backend: tauriBackend } });
