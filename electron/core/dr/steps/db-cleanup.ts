import { findOption } from '../../../../shared/config/oslo-ini.js';
import {
  connectionJson,
  dbConnectionView,
  dbInputsChangeKind,
  mergeDbConnection,
  parseDbCleanupProbe,
  parseDbConnectionUrl,
  probeDbCleanupArgv,
  type DbCleanupFacts,
  type DbConnection,
} from '../../../../shared/plans/db-cleanup-plan.js';
import type { HostConfig } from '../../../../shared/profile/profile.js';
import { fail, ok, type Result } from '../../../../shared/result.js';
import type { RemoteAction } from '../../../../shared/run/plan-types.js';
import { parseRelease } from '../../../../shared/trilio/trilio-release.js';
import { trilioFactsOf } from '../../../../shared/trilio/trilio-facts.js';
import { readRemoteFile } from '../../ssh/remote-files.js';
import { execContextOf, runOn, runRemoteAction, type DrContext } from '../remote-action.js';

/**
 * Trilio's published database clean-up on the appliance (see shared/plans/db-cleanup-plan.ts): what
 * the plan needs to know (the folder, where the inputs go, the connection without its password), and
 * running it. The password is read only when connection.json is written, registered with the scrubber
 * first, and travels on stdin; it is never part of a plan, a fact or a log line.
 */
export async function discoverDbCleanup(
  ctx: DrContext,
  tvm: HostConfig,
): Promise<Result<DbCleanupFacts | null>> {
  const dir = ctx.profile.trilio.dbCleanup.scriptDir.trim().replace(/\/+$/, '');
  if (!dir) return ok(null);
  const probe = await runOn(ctx, tvm.id, { argv: probeDbCleanupArgv(dir), privileged: true });
  if (!probe.ok) return probe;
  const found = parseDbCleanupProbe(probe.value.stdout);
  if (!found.script)
    return fail({
      code: 'precondition',
      message: `${tvm.name}: ${dir}/workloads_delete.py does not exist.`,
      host: tvm.name,
      hint: "Copy Trilio's wlSnapshotDeletePython folder (github.com/trilioData/solutions, openstack/CleanWlmDatabase) to that path on the appliance, or correct the folder in the profile (Trilio → database clean-up).",
      fields: [{ path: 'trilio.dbCleanup.scriptDir', message: 'no workloads_delete.py there' }],
    });
  const connection = await connectionNow(ctx, tvm);
  if (!connection.ok) return connection;
  const release = parseRelease(trilioFactsOf(ctx.profile.trilio, 'target').release);
  return ok({
    tvm: tvm.id,
    tvmName: tvm.name,
    scriptDir: dir,
    inputDir: found.config ? `${dir}/config` : dir,
    connection: dbConnectionView(
      connection.value.db,
      connection.value.passwordFrom,
      connection.value.configFile,
    ),
    needsPhysicalDeleteOnce:
      release !== null && (release.major < 4 || (release.major === 4 && release.minor === 0)),
  });
}

/**
 * The connection now: the appliance config's `[database] connection` (the first config file of the
 * target's installer that has one), with the profile's overrides and password on top.
 */
async function connectionNow(
  ctx: DrContext,
  tvm: HostConfig,
): Promise<Result<{ db: DbConnection; passwordFrom: string; configFile: string }>> {
  const overrides = ctx.profile.trilio.dbCleanup;
  const profilePassword =
    overrides.password === 'set' ? ctx.services.getSecret('trilio.dbCleanup.password') : undefined;
  let fromConfig: DbConnection | null = null;
  let configFile = '';
  let problem = '';
  const conn = await ctx.services.pool.get(tvm.id);
  if (!conn.ok) return conn;
  for (const file of trilioFactsOf(ctx.profile.trilio, 'target').applianceConfigs) {
    const read = await readRemoteFile(conn.value, file, execContextOf(ctx));
    if (!read.ok) return read;
    if (!read.value.exists) continue;
    const url = findOption(read.value.content, 'database', 'connection')?.value.trim();
    if (!url) continue;
    const parsed = parseDbConnectionUrl(url);
    if (!parsed.ok) {
      problem = `${file}: ${parsed.error.message}`;
      continue;
    }
    // Registered before anything can print it (the script's output, an error message).
    if (parsed.value.password) ctx.services.addSecret(parsed.value.password);
    fromConfig = parsed.value;
    configFile = file;
    break;
  }
  const merged = mergeDbConnection(fromConfig, overrides, profilePassword);
  if (!merged.ok)
    return fail({
      ...merged.error,
      host: tvm.name,
      ...(problem ? { hint: `${problem} ${merged.error.hint ?? ''}`.trim() } : {}),
    });
  return ok({
    db: merged.value,
    passwordFrom: profilePassword !== undefined ? 'profile (secret store)' : `appliance config ${configFile}`,
    configFile,
  });
}

/**
 * Runs the database clean-up's actions in order: the inputs are recorded (with their removal) before
 * the first is written; connection.json gets its content only now; after the script, the inputs are
 * removed whether it succeeded or not, and the record is closed once they are gone.
 */
export async function runDbCleanup(
  ctx: DrContext,
  facts: DbCleanupFacts,
  actions: readonly RemoteAction[],
): Promise<Result<void>> {
  const tvm = ctx.services.host(facts.tvm);
  if (!tvm.ok) return tvm;
  const removal = actions.find((a) => a.id.startsWith('db-inputs-remove:'));
  let failure: Result<void> = ok(undefined);
  for (const action of actions) {
    if (action === removal) continue;
    if (action.change)
      ctx.recordChange({
        actionId: action.id,
        host: action.host,
        kind: action.change.kind,
        description: action.description,
        undo: action.change.undo,
      });
    let stdin = action.stdin;
    if (action.id.startsWith('db-connection:')) {
      const connection = await connectionNow(ctx, tvm.value);
      if (!connection.ok) {
        failure = connection;
        break;
      }
      stdin = connectionJson(connection.value.db);
    }
    const done = await runRemoteAction(ctx, { ...action, ...(stdin !== undefined ? { stdin } : {}) });
    if (!done.ok) {
      failure = fail({ ...done.error, host: done.error.host ?? facts.tvmName });
      break;
    }
  }
  if (removal) {
    const removed = await runRemoteAction(ctx, removal);
    if (!removed.ok)
      return fail({
        ...removed.error,
        host: removed.error.host ?? facts.tvmName,
        message: `${facts.inputDir}/connection.json (it holds the database password) could not be removed: ${removed.error.message}`,
        hint: 'Remove it by hand, or run clean-up again: it removes the inputs first.',
      });
    for (const c of ctx.changes())
      if (c.kind === dbInputsChangeKind && c.host === facts.tvm && !c.undoneAt) ctx.markUndone(c.id);
  }
  return failure;
}
