import type { Api } from '../../../../shared/contract.js';
import type { Profile } from '../../../../shared/profile/profile.js';
import type { Confirm } from '../app/workspace.svelte.js';
import type { NameStore } from '../app/name-store.svelte.js';
import { PaneLayout } from '../layout/pane-layout.svelte.js';
import { LogView } from '../log/log-view.svelte.js';
import { MatrixView } from '../run/matrix-view.svelte.js';
import { DrillState } from '../drill/drill-state.svelte.js';
import { WizardState } from './wizard-state.svelte.js';

/** The wizard tab's component, loaded with this module (app.svelte imports both on demand). */
export { default as WizardShell } from '../../components/wizard/wizard-shell.svelte';

export interface WizardPart {
  wizard: WizardState;
  log: LogView;
  matrix: MatrixView;
  panes: PaneLayout;
  /** The Rehearse choice: the open profile's drills, following `drill` and `log` events. */
  drill: DrillState;
}

/**
 * The DR wizard's state: the runs, the open run's steps, log and matrix, and the panes. Created once,
 * when the wizard is first needed, and kept as long as the app (switching tabs loses no line). Until
 * then no run is open, so the `log` and `step` events it would ignore are not needed.
 */
export function createWizardPart(
  api: Pick<Api, 'call'>,
  options: { confirm: Confirm; onProfileSaved: (profile: Profile) => void; names: NameStore },
): WizardPart {
  const log = new LogView();
  const matrix = new MatrixView();
  const panes = new PaneLayout(typeof localStorage === 'undefined' ? undefined : localStorage);
  const wizard = new WizardState(api, { ...options, log, matrix });
  const drill = new DrillState(api, { log: new LogView() });
  return { wizard, log, matrix, panes, drill };
}
