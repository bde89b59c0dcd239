import type { AppError } from '../../../../shared/result.js';

/**
 * The parts of the app that are not on its first screen, each its own chunk: loaded when first shown,
 * and fetched in the background once the first screen is up (warmLazyParts), so opening the wizard
 * later does not wait for the network. The first screen evaluates none of their code.
 */
export const loadWizardPart = () => import('../wizard/wizard-part.js');
export const loadStartFromEnvironment = () =>
  import('../../components/onboarding/start-from-environment.svelte');

/** Starts loading every lazy part, in idle time where the browser has it. */
export function warmLazyParts(): void {
  const warm = () => {
    void loadWizardPart().catch(() => undefined);
    void loadStartFromEnvironment().catch(() => undefined);
  };
  // After the first screen's own deferred work (the editor's lower sections), not competing with it.
  if (typeof requestIdleCallback === 'function') requestIdleCallback(warm, { timeout: 3_000 });
  else setTimeout(warm, 1_000);
}

/** What to show when a part's chunk did not load (the server stopped, or the app was updated). */
export function partLoadError(what: string, error: unknown): AppError {
  return {
    code: 'internal',
    message: `Could not load ${what}: ${error instanceof Error ? error.message : String(error)}`,
    hint: "Reload the page; in browser mode, check that the wizard's server (or the SSH tunnel to it) still runs.",
  };
}
