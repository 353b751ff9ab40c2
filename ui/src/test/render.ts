import { render } from '@testing-library/svelte';
import type { Component, ComponentProps } from 'svelte';

import { backendContext, type Backend } from '../lib/backend';
import DialogHost from '../lib/chrome/DialogHost.svelte';

/** Render `component` alone with `backend` provided, as the root would. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function renderWith<C extends Component<any, any, any>>(component: C, props: ComponentProps<C>, backend: Backend) {
  const view = render<C>(component as never, { props, context: backendContext(backend) } as never);
  // The dialog host the root provides (confirmations, the image viewer).
  render(DialogHost);
  return view;
}
