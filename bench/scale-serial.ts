import type { LabJson } from '../test/lab/lab-json.js';
import { trilioBaseUrl } from '../test/lab/trilio/trilio-paths.js';
import { adminTokenIn } from '../test/lab/trilio/trilio-test-kit.js';

/**
 * The serial runbook, the scale bench's peer: the restore calls the product made (the same bodies, as
 * the appliance recorded them), sent one workload after another the way an admin's loop over
 * `workloadmgr snapshot-restore` and `restore-show` would — start one, poll until it is available,
 * then the next. Polled every 250 ms (an admin's loop would sleep seconds: this favours the peer).
 * Each restore runs in its target project, as the admin user the DR's access step gave a role there.
 */

export interface RecordedRestore {
  projectId: string;
  snapshotId: string;
  name: string;
  description: string;
  options: unknown;
}

export interface SerialResult {
  totalMs: number;
  /** Per restore, POST sent → seen available. */
  restoreMs: number[];
  failed: string[];
}

export async function serialRunbook(
  lab: LabJson,
  restores: readonly RecordedRestore[],
  log: (line: string) => void,
  pollMs = 250,
): Promise<SerialResult> {
  const tokens = new Map<string, string>();
  // The lab's Keystone issues short-lived tokens: a 401 gets a fresh one.
  const token = async (projectId: string, fresh = false): Promise<string> => {
    let t = fresh ? undefined : tokens.get(projectId);
    if (!t) {
      t = await adminTokenIn(lab, projectId);
      tokens.set(projectId, t);
    }
    return t;
  };
  const started = Date.now();
  const restoreMs: number[] = [];
  const failed: string[] = [];
  for (const [i, r] of restores.entries()) {
    const t0 = Date.now();
    const headers = { 'X-Auth-Token': await token(r.projectId), 'Content-Type': 'application/json' };
    const base = `${trilioBaseUrl}/v1/${r.projectId}`;
    const send = () =>
      fetch(`${base}/snapshots/${r.snapshotId}`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ restore: { name: r.name, description: r.description, options: r.options } }),
      });
    let post = await send();
    if (post.status === 401) {
      headers['X-Auth-Token'] = await token(r.projectId, true);
      post = await send();
    }
    const posted = (await post.json()) as { restore?: { id: string } };
    if (post.status !== 202 || !posted.restore) {
      failed.push(`${r.snapshotId}: POST ${post.status}`);
      continue;
    }
    const deadline = Date.now() + 600_000;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      const got = await fetch(`${base}/restores/${posted.restore.id}`, { headers });
      if (got.status === 401) headers['X-Auth-Token'] = await token(r.projectId, true);
      if (got.status !== 200 && Date.now() > deadline) {
        failed.push(
          `${r.snapshotId}: restore ${posted.restore.id} not readable (HTTP ${got.status}) for 10 min`,
        );
        break;
      }
      if (got.status !== 200) continue; // a slowed or refused read: poll again
      const status = ((await got.json()) as { restore: { status: string } }).restore.status;
      if (status === 'available' || status === 'error' || status === 'cancelled') {
        if (status !== 'available') failed.push(`${r.snapshotId}: ${status}`);
        break;
      }
    }
    restoreMs.push(Date.now() - t0);
    if ((i + 1) % 50 === 0)
      log(
        `  serial runbook: ${i + 1}/${restores.length} restored, ${((Date.now() - started) / 1000).toFixed(0)} s`,
      );
  }
  return { totalMs: Date.now() - started, restoreMs, failed };
}
