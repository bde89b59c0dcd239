import type { StepItemProgress } from '../../../../shared/contract.js';
import type { StepState } from '../../../../shared/run/run-types.js';
import type { StepLive } from './run-session.svelte.js';
import type { MatrixModel } from './step-matrix.js';

/**
 * How far a running step is, where its work can be counted (issue 22): the core's own fraction (bytes
 * copied, restores' progress), else workloads finished (item events), else hosts whose commands all
 * ended (from the log, via the matrix). Undefined fraction: nothing countable, the bar is indeterminate.
 */
export interface StepWork {
  fraction?: number;
  label: string;
}

export function stepWork(
  state: StepState,
  live: StepLive | undefined,
  items: Record<string, StepItemProgress> | undefined,
  model: MatrixModel | undefined,
  hostName: (id: string) => string,
  // The matrix is mutated in place; its version makes callers re-run this when it changed.
  _version = 0,
): StepWork {
  const list = Object.values(items ?? {});
  const finished = list.filter((i) => i.state !== 'running').length;
  const workloads = list.length > 0 ? `${finished} of ${list.length} workloads finished` : '';
  if (live?.fraction !== undefined) {
    const percent = `${Math.round(live.fraction * 100)} %`;
    return { fraction: live.fraction, label: workloads ? `${percent} · ${workloads}` : percent };
  }
  if (list.length > 0) return { fraction: finished / list.length, label: workloads };
  const hosts = [
    ...new Set((state.plan?.actions ?? []).flatMap((a) => (a.kind === 'remote' ? [hostName(a.host)] : []))),
  ];
  if (hosts.length > 0 && model) {
    const done = hosts.filter((h) => {
      const cell = model.cell(`h:${h}`, state.key);
      return cell !== undefined && cell.commands > 0 && cell.open === 0;
    }).length;
    return { fraction: done / hosts.length, label: `${done} of ${hosts.length} hosts done` };
  }
  return { label: '' };
}
