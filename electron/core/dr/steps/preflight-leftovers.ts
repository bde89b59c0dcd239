import { bindMountLine } from '../../../../shared/fstab/fstab.js';
import { earlierMounts, fstabLinesOn } from '../../../../shared/plans/earlier-mounts.js';
import { parseProbe, probePathsArgv } from '../../../../shared/plans/host-scripts.js';
import { listTwoSharesArgv, parseTwoShares } from '../../../../shared/plans/share-listing.js';
import { shareMountPaths } from '../../../../shared/trilio/trilio-facts.js';
import { fanOut } from '../../ssh/fan-out.js';
import { readRemoteFile } from '../../ssh/remote-files.js';
import { stagingPathOf } from '../dr-paths.js';
import { execContextOf, runOn, type DrContext } from '../remote-action.js';
import type { Finding } from './preflight-checks.js';

/**
 * What earlier runs (of this wizard or anyone) left on the paths this run needs, for every host at
 * once, before anything is changed: bind mounts and fstab lines on the source share's mount path (where
 * Mount paths binds), and — for a full-cloud run, which adds B2 to Trilio B — workload ids already on
 * both B1 and B2. What the wizard itself made is re-pointed later after saying so; what it did not make
 * stops the run here with the hosts and lines named.
 */
export async function leftoverFindings(ctx: DrContext): Promise<Finding[]> {
  const findings = await mountLeftovers(ctx);
  if (ctx.params.kind === 'full') findings.push(...(await twoShareFindings(ctx)));
  return findings;
}

async function mountLeftovers(ctx: DrContext): Promise<Finding[]> {
  const paths = shareMountPaths(ctx.profile.trilio, ctx.profile.nfs);
  const a1 = paths.source;
  if (!a1) return [];
  const live = ctx.params.kind === 'single' ? paths.target : paths.syncedCopy;
  const nodes = [...ctx.services.tvms(), ...ctx.services.computes()];
  const earlier = earlierMounts(
    ctx.journal(),
    nodes.map((n) => n.id),
    [a1],
  );
  const outcomes = await fanOut(
    nodes.map((n) => n.id),
    async (id) => {
      const probe = await runOn(ctx, id, { argv: probePathsArgv([live, a1]), privileged: true });
      if (!probe.ok) return probe;
      const conn = await ctx.services.pool.get(id);
      if (!conn.ok) return conn;
      const fstab = await readRemoteFile(conn.value, '/etc/fstab', execContextOf(ctx));
      if (!fstab.ok) return fstab;
      return {
        ok: true as const,
        value: { probe: parseProbe(probe.value.stdout), fstab: fstab.value.content },
      };
    },
    { concurrency: ctx.services.concurrency, signal: ctx.signal },
  );
  const foreign: string[] = [];
  const ours = new Map<string, string[]>();
  const right: string[] = [];
  outcomes.forEach((o, i) => {
    if (!o.ok) return; // unreachable hosts are reported by the SSH check
    const node = nodes[i]!;
    const { probe, fstab } = o.value;
    const mine = earlier.filter((e) => e.host === node.id);
    const note = (runId: string) => ours.set(runId, [...(ours.get(runId) ?? []), node.name]);
    if (probe.mounts.has(a1)) {
      const showsLive = probe.ids.get(a1) !== undefined && probe.ids.get(a1) === probe.ids.get(live);
      const bind = mine.find((e) => e.kind === 'bind-mount');
      if (showsLive) right.push(node.name);
      else if (bind) note(bind.runId);
      else foreign.push(`${node.name}: ${a1} is mounted from another folder`);
    }
    const lines = fstabLinesOn(fstab, a1, mine);
    const wanted = bindMountLine(live, a1).split(/\s+/).join(' ');
    for (const f of lines.foreign)
      if (f.raw.trim().split(/\s+/).join(' ') !== wanted)
        foreign.push(`${node.name}: /etc/fstab line ${f.line} mounts ${f.spec} on ${a1}`);
    for (const o2 of lines.ours) if (o2.raw.trim().split(/\s+/).join(' ') !== wanted) note(o2.mount.runId);
  });
  const check = `bind mounts and fstab lines on ${a1} (${ctx.profile.nfs.source}'s mount path) on ${nodes.length} node(s)`;
  const findings: Finding[] = [];
  if (foreign.length > 0)
    findings.push({
      check,
      ok: false,
      blocking: true,
      detail: `not made by this wizard: ${foreign.join('; ')}`,
      hint: 'The wizard never replaces mounts it did not make: unmount them and remove those fstab lines on every host named, then run pre-flight again.',
    });
  for (const [runId, hosts] of ours)
    findings.push({
      check: `${check}: left by run ${runId} of this wizard`,
      ok: false,
      blocking: false,
      detail: `bound to another share on ${[...new Set(hosts)].join(', ')}`,
      hint: `Mount paths re-points them to ${live} after saying so; run ${runId}'s clean-up no longer touches them then.`,
    });
  if (findings.length === 0)
    findings.push({
      check,
      ok: true,
      blocking: true,
      detail: right.length > 0 ? `bound to ${live} on ${right.join(', ')}` : 'free on every node',
    });
  return findings;
}

/**
 * A full-cloud run adds B2 to Trilio B, which already uses B1: a workload id on both would be seen
 * twice (and not as orphaned). Names which copy to remove: the one on B1 (the original is on B2).
 */
async function twoShareFindings(ctx: DrContext): Promise<Finding[]> {
  const tvm = ctx.services.tvms()[0];
  if (!tvm) return [];
  const { nfs, trilio } = ctx.profile;
  const paths = shareMountPaths(trilio, nfs);
  const listed = await runOn(
    ctx,
    tvm.id,
    {
      argv: listTwoSharesArgv(paths.target, paths.syncedCopy, stagingPathOf(ctx.profile), nfs.syncedCopy),
      privileged: true,
    },
    { timeoutMs: 120_000 },
  );
  if (!listed.ok) return [];
  const shares = parseTwoShares(listed.value.stdout);
  const check = `no workload on both ${nfs.target} (B1) and ${nfs.syncedCopy} (B2)`;
  if (!shares.b2Readable)
    return [
      {
        check,
        ok: false,
        blocking: false,
        host: tvm.name,
        detail: `${nfs.syncedCopy} could not be read on ${tvm.name} to compare`,
        hint: 'Find reads it; Reassign fails for a workload that is on both.',
      },
    ];
  const onB2 = new Set(shares.b2);
  const both = shares.b1.filter((id) => onB2.has(id));
  if (both.length === 0)
    return [
      {
        check,
        ok: true,
        blocking: true,
        host: tvm.name,
        detail: `${shares.b1.length} on B1, ${shares.b2.length} on B2`,
      },
    ];
  const admin = await ctx.services.clouds.target();
  const live = admin.ok
    ? await admin.value.trilio.listWorkloads({ allWorkloads: true, signal: ctx.signal })
    : admin;
  const managed = new Map(
    (live.ok ? live.value : []).filter((w) => w.status !== 'deleted').map((w) => [w.id, w]),
  );
  const copies = ctx
    .journal()
    .filter((e) => e.change.kind === 'workload-copy' && e.change.host === tvm.id)
    .map((e) => ({
      runId: e.runId,
      target: e.change.undo[0]?.kind === 'remote' ? e.change.undo[0].argv.at(-2) : '',
    }));
  const advice = both.map((id) => {
    const folder = `${paths.target}/workload_${id}`;
    const run = copies.find((c) => c.target === folder);
    const w = managed.get(id);
    if (w)
      return `${w.name || id} (${id}): Trilio B manages the copy on B1 (project ${w.project_id ?? '?'})${run ? `, restored by run ${run.runId}: finish its clean-up (trilio-dr cleanup --run ${run.runId} --yes)` : ': delete it from Trilio B first (workload-delete --database_only True), then remove the folder'}`;
    return run
      ? `${id}: remove the copy on B1, ${folder} — run ${run.runId} made it; its clean-up removes it (trilio-dr cleanup --run ${run.runId} --yes)`
      : `${id}: remove the copy on B1, ${folder} (the original stays on B2)`;
  });
  return [
    {
      check,
      ok: false,
      blocking: true,
      host: tvm.name,
      detail: `${both.length} workload id(s) on both shares: ${advice.join('; ')}`,
      hint: 'Trilio B would see each of them twice once B2 is added, and not as orphaned: remove the copies named on B1, then run pre-flight again.',
    },
  ];
}
