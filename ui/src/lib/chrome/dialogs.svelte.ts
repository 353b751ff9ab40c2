// Modal dialogs live in one host at the root (DialogHost.svelte), not inside the message that
// asked: a message row of the virtualised conversation can be unmounted at any scroll, and the
// conversation's scroll container must not become the dialog's containing block.

export interface ConfirmRequest {
  kind: 'confirm';
  title: string;
  body: string;
  detail?: string;
  confirmLabel: string;
  resolve: (confirmed: boolean) => void;
}

export interface ImageRequest {
  kind: 'image';
  url: string;
  label: string;
  resolve: (confirmed: boolean) => void;
}

export type DialogRequest = ConfirmRequest | ImageRequest;

let current = $state<DialogRequest | null>(null);
let returnFocus: HTMLElement | null = null;

function open(request: DialogRequest): void {
  current?.resolve(false);
  returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  current = request;
}

export const dialogs = {
  get current(): DialogRequest | null {
    return current;
  },
  /** Ask for a confirmation; resolves `true` only when the user confirms. */
  confirm(options: Omit<ConfirmRequest, 'kind' | 'resolve'>): Promise<boolean> {
    return new Promise((resolve) => open({ kind: 'confirm', ...options, resolve }));
  },
  /** Show an image full size until closed. */
  image(url: string, label: string): Promise<boolean> {
    return new Promise((resolve) => open({ kind: 'image', url, label, resolve }));
  },
  /** Close the open dialog with its answer, and give focus back to where it was. */
  close(confirmed: boolean): void {
    const request = current;
    current = null;
    request?.resolve(confirmed);
    if (returnFocus?.isConnected) returnFocus.focus();
    returnFocus = null;
  },
};
