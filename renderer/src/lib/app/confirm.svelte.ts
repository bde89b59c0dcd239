export interface ConfirmRequest {
  title: string;
  message: string;
  confirmLabel: string;
  /** Destructive actions get a red confirm button. */
  danger: boolean;
  /** What the action removes or changes, one line each (listed in the dialog). */
  items?: string[];
  /** Text the user types before the confirm button works (the profile name for a full-cloud clean-up). */
  typeToConfirm?: string;
}

/**
 * A promise-based confirmation, rendered by `confirm-dialog.svelte` as a modal `<dialog>` (the
 * browser's `confirm()` blocks the page and cannot be styled or labelled).
 */
export class ConfirmService {
  request = $state.raw<ConfirmRequest | null>(null);
  #resolve: ((answer: boolean) => void) | null = null;

  ask(request: Partial<ConfirmRequest> & { message: string }): Promise<boolean> {
    this.#resolve?.(false);
    this.request = { title: 'Please confirm', confirmLabel: 'OK', danger: false, ...request };
    return new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  answer(yes: boolean): void {
    const resolve = this.#resolve;
    this.#resolve = null;
    this.request = null;
    resolve?.(yes);
  }
}
