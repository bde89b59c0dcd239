import type { AppError } from '../result.js';

/**
 * "Check connections" (`trilio-dr profile check`): one row per cloud, host and NFS share, one cell per
 * thing the DR will touch there. A cell is `ok`, `failed` (with the reason and the fix), `skipped`
 * (not checked because an earlier cell of the row failed: only that one is red) or `warning` (a
 * finding that does not stop a DR, e.g. cloud A is unreachable — it may be the lost cloud).
 */
export type CellState = 'ok' | 'failed' | 'skipped' | 'warning';

export interface CheckCell {
  key: CheckKey;
  label: string;
  state: CellState;
  detail?: string;
  hint?: string;
  /** A host key to show and trust (unknown or changed key). */
  error?: AppError;
}

export type CheckKey =
  | 'login'
  | 'admin'
  | 'catalog'
  | 'trilio'
  | 'nova'
  | 'hostKey'
  | 'ssh'
  | 'sudo'
  | 'mountRoot'
  | 'qemuImg'
  | 'config'
  | 'restart'
  | 'reachable';

export interface CheckRow {
  kind: 'cloud' | 'host' | 'share';
  /** `source` / `target`, a host id, or `target` / `syncedCopy` for shares. */
  id: string;
  name: string;
  /** A short description: the URL, `user@address:port via …`, the export. */
  detail: string;
  cells: CheckCell[];
}

export interface CheckMatrix {
  profileId: string;
  rows: CheckRow[];
  /** Every needed cell is ok (warnings and not-needed rows do not count). */
  ok: boolean;
  failed: number;
  durationMs: number;
  checkedAt: string;
}

export const checkLabels: Record<CheckKey, string> = {
  login: 'Keystone login',
  admin: 'admin role',
  catalog: 'Trilio in catalog',
  trilio: 'Trilio answers',
  nova: 'computes match Nova',
  hostKey: 'host key pinned',
  ssh: 'SSH (through its jump chain)',
  sudo: 'sudo without a prompt',
  mountRoot: 'mount root exists',
  qemuImg: 'qemu-img present',
  config: 'config file readable',
  restart: 'restart unit/container exists',
  reachable: 'reachable from the appliance',
};

export function matrixOk(rows: readonly CheckRow[]): { ok: boolean; failed: number } {
  const failed = rows.flatMap((r) => r.cells).filter((c) => c.state === 'failed').length;
  return { ok: failed === 0, failed };
}
