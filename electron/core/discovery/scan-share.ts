import { parseWorkloadScan, type WorkloadScan } from '../../../shared/discovery/workload-scan.js';
import type { Result } from '../../../shared/result.js';
import {
  scanWorkloadsArgv,
  scanWorkloadsScript,
  type ScanWorkloadsOptions,
} from '../../../shared/remote-scripts/scan-workloads.js';
import type { SshConnection } from '../ssh/connection.js';
import type { ExecContext } from '../ssh/exec.js';
import { runPythonScript, withScriptContext } from './run-script.js';

export interface ScanShareOptions extends ScanWorkloadsOptions {
  /** Cap on the scan's output (default 256 MiB). */
  maxOutputBytes?: number;
}

/**
 * Lists the Trilio workloads in share folders (e.g. `/var/triliovault-mounts/<base64>`) on the host
 * behind `conn`, in one command. A folder that cannot be listed is reported in `roots[].error`; a
 * broken file of a workload in that workload's `errors`; only a failed command or unreadable output
 * fails the whole scan.
 */
export async function scanShare(
  conn: SshConnection,
  roots: readonly string[],
  ctx: ExecContext,
  options: ScanShareOptions = {},
): Promise<Result<WorkloadScan>> {
  const argv = scanWorkloadsArgv(roots, options);
  const out = await runPythonScript(conn, argv, scanWorkloadsScript, ctx, options.maxOutputBytes);
  if (!out.ok) return out;
  return withScriptContext(parseWorkloadScan(out.value.stdout), out.value);
}
