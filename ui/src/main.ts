import './app.css';

import { mount } from 'svelte';

import App from './App.svelte';
import { pageBackend, type Backend } from './lib/backend';
import { i18n } from './lib/i18n/index.svelte';
import { theme } from './lib/theme/index.svelte';

theme.init();
i18n.init();

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

/** `VITE_FAKE_BACKEND=1 npm run dev` shows the UI on synthetic data in a plain browser; the
 *  condition is a build-time constant, so release builds do not contain the fake. */
async function chooseBackend(): Promise<Backend> {
  if (import.meta.env.VITE_FAKE_BACKEND === '1') {
    const { fakeBackend, BASE_TIME } = await import('./test/fake-backend');
    const profile = {
      id: 'demo',
      name: '演示存档',
      server_url: 'http://127.0.0.1:8080',
      user: 'reviewer',
      key_source: 'os_keyring' as const,
      last_opened_at: BASE_TIME,
    };
    return fakeBackend({}, { session: { profile, role: 'reviewer' }, profiles: [profile] });
  }
  return pageBackend();
}

const app = chooseBackend().then((backend) => mount(App, { target, props: { backend } }));
export default app;
