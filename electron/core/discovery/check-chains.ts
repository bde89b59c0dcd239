import { parseChainReport, type ChainReport } from '../../../shared/discovery/chain-report.js';
import type { Result } from '../../../shared/result.js';
import {
  chainCheckArgv,
  chainCheckScript,
  type ChainCheckRequest,
} from '../../../shared/remote-scripts/chain-check.js';
import type { SshConnection } from '../ssh/connection.js';
import type { ExecContext } from '../ssh/exec.js';
import { runPythonScript, withScriptContext } from './run-script.js';

/**
 * Follows the qcow2 backing chains of images (or of every image below folders) on the host behind
 * `conn`, in one command: the chains as that host resolves them, which is what a restore there will
 * see. A broken chain is a verdict in the report, not a failure.
 */
export async function checkChains(
  conn: SshConnection,
  request: ChainCheckRequest,
  ctx: ExecContext,
  options: { maxOutputBytes?: number } = {},
): Promise<Result<ChainReport>> {
  const argv = chainCheckArgv(request);
  const out = await runPythonScript(conn, argv, chainCheckScript, ctx, options.maxOutputBytes);
  if (!out.ok) return out;
  return withScriptContext(parseChainReport(out.value.stdout), out.value);
}
