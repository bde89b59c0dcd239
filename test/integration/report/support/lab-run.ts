import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LogRecord } from '../../../../shared/contract.js';
import { formatApiCallLog } from '../../../../shared/report/run-log.js';
import type { RestoreOutcomeData } from '../../../../shared/report/restore-outcome.js';
import { profileSchema, type Profile, type ProfileInput } from '../../../../shared/profile/profile.js';
import type { SecretKey } from '../../../../shared/profile/secret-keys.js';
import { fail, ok } from '../../../../shared/result.js';
import type { RemoteAction, StepKey } from '../../../../shared/run/plan-types.js';
import type { RunView, SingleRunParams, StepOutcome } from '../../../../shared/run/run-types.js';
import { RunEngine } from '../../../../electron/core/runs/run-engine.js';
import type { StepContext, StepDefinition } from '../../../../electron/core/runs/step-definition.js';
import { createPassphraseCipher } from '../../../../electron/core/secrets/passphrase-cipher.js';
import { createScrubber } from '../../../../electron/core/secrets/secret-scrubber.js';
import { createCredentialResolver, targetOf } from '../../../../electron/core/ssh/credentials.js';
import { runCommand } from '../../../../electron/core/ssh/exec.js';
import { importKnownHosts } from '../../../../electron/core/ssh/known-hosts-file.js';
import { MemoryKnownHostsStore } from '../../../../electron/core/ssh/memory-known-hosts-store.js';
import { SshPool } from '../../../../electron/core/ssh/pool.js';
import { openStore, type StoreDb } from '../../../../electron/core/store/database.js';
import { LogWriter, readLogs } from '../../../../electron/core/store/log-repo.js';
import { ProfileRepo } from '../../../../electron/core/store/profile-repo.js';
import { RunRepo } from '../../../../electron/core/store/run-repo.js';
import { SecretRepo } from '../../../../electron/core/store/secret-repo.js';
import { runOnHost } from '../../../lab/hosts/index.js';
import type { LabJson } from '../../../lab/lab-json.js';
import { readLabJson } from '../../../lab/lab.js';

/**
 * A real run to report on: the lab's profile saved through ProfileRepo with a passphrase cipher (plus
 * extra secrets only a scan can find), a RunEngine over a SQLite store, and steps that run real
 * commands over SSH on lab hosts (a root key host, the password host, the sudo host), record changes
 * and undo some of them, log real HTTP requests to the lab's Keystone, print a secret (which the log
 * scrubber must catch) and fail the clean-up with output. The restore step's outcome is the shape the
 * real restore step fills.
 */
export interface LabRun {
  lab: LabJson;
  store: StoreDb;
  profile: Profile;
  run: RunView;
  logs: LogRecord[];
  /** Every secret value stored for the profile. */
  secrets: string[];
  close(): Promise<void>;
}

interface Services {
  pool: SshPool;
  scrub: (text: string) => string;
  sink: (r: LogRecord) => void;
}
type Ctx = StepContext<Services>;

/** Secrets stored besides the lab's own, in fields the run never uses, so only a leak would show them. */
export const EXTRA_SECRETS: Partial<Record<SecretKey, string>> = {
  'clouds.source.applicationCredentialSecret': 'AppCred-Secret-7Qx9zZ-report-scan',
  'hosts.jump-1.password': 'Jump1-Unused-Password-4321',
};

const remote = (
  id: string,
  host: string,
  argv: string[],
  description: string,
  extra: Partial<RemoteAction> = {},
) => ({ kind: 'remote', id, host, argv, privileged: true, description, ...extra }) satisfies RemoteAction;

async function runRemote(ctx: Ctx, a: RemoteAction) {
  const conn = await ctx.services.pool.get(a.host);
  if (!conn.ok) return conn;
  return runCommand(
    conn.value,
    { argv: a.argv, privileged: a.privileged },
    {
      runId: ctx.runId,
      step: ctx.step,
      sink: ctx.services.sink,
      scrub: ctx.services.scrub,
      timeoutMs: 30_000,
      signal: ctx.signal,
    },
  );
}

/** A real HTTP request to the lab's Keystone, logged the way the report reads API calls. */
async function keystoneRequest(ctx: Ctx, url: string): Promise<void> {
  const started = performance.now();
  const response = await fetch(url, { signal: ctx.signal });
  await response.arrayBuffer();
  ctx.log(
    formatApiCallLog({
      method: 'GET',
      url,
      status: response.status,
      durationMs: performance.now() - started,
    }),
  );
}

function step(
  key: StepKey,
  actions: (ctx: Ctx) => RemoteAction[],
  extra: { before?: (ctx: Ctx) => Promise<void>; outcome?: (ctx: Ctx) => Partial<StepOutcome> } = {},
): StepDefinition<null, Services> {
  return {
    key,
    discover: async () => ok(null),
    plan: (_facts, ctx) =>
      ok({
        step: key,
        title: key,
        summary: `Lab step ${key}.`,
        actions: actions(ctx),
        verify: [],
        warnings: [],
      }),
    execute: async (plan, _facts, ctx) => {
      await extra.before?.(ctx);
      const verify: StepOutcome['verify'] = [];
      for (const a of plan.actions) {
        if (a.kind !== 'remote') continue;
        const r = await runRemote(ctx, a);
        if (!r.ok) return r;
        verify.push({ host: a.host, check: a.description, ok: true });
        if (a.change)
          ctx.recordChange({
            actionId: a.id,
            host: a.host,
            kind: a.change.kind,
            description: a.description,
            undo: a.change.undo,
          });
      }
      return ok({ summary: `${plan.actions.length} action(s) ran.`, verify, ...extra.outcome?.(ctx) });
    },
  };
}

export async function recordLabRun(): Promise<LabRun> {
  const lab = await readLabJson();
  const labProfile = JSON.parse(await readFile(lab.profileFile, 'utf8')) as {
    profile: ProfileInput;
    secrets: Record<string, string>;
    knownHosts: string[];
  };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'trilio-report-run-'));
  const opened = openStore(path.join(dir, 'data', 'store.db'));
  if (!opened.ok) throw new Error(opened.error.message);
  const store = opened.value;
  const cipher = createPassphraseCipher(store.meta, 'report-scan-passphrase');
  if (!cipher.ok) throw new Error(cipher.error.message);

  const secretValues = { ...labProfile.secrets, ...EXTRA_SECRETS } as Record<string, string>;
  const finance = lab.workloads.find((w) => w.name === 'fin-erp')!;
  const input = profileSchema.parse({
    ...labProfile.profile,
    id: '',
    name: `lab report ${path.basename(dir)}`,
    projectMapping: [
      {
        sourceProjectId: finance.sourceProject,
        sourceProjectName: finance.sourceProjectName,
        targetProject: finance.targetProject,
        trusteeUser: 'alice',
      },
    ],
  });
  const profiles = new ProfileRepo(store);
  const saved = profiles.save(input, secretValues, cipher.value);
  if (!saved.ok) throw new Error(`${saved.error.message} ${JSON.stringify(saved.error.fields)}`);
  const profile = saved.value;
  const secretRepo = new SecretRepo(store);
  const getSecret = (key: SecretKey) => secretRepo.get(profile.id, key, cipher.value);

  const scrubber = createScrubber();
  for (const v of Object.values(secretValues)) scrubber.add(v);
  const logWriter = new LogWriter(store, { scrub: scrubber.scrub, flushIntervalMs: 20 });
  const runs = new RunRepo(store);
  const knownHosts = new MemoryKnownHostsStore(importKnownHosts(labProfile.knownHosts.join('\n')).entries);
  const tag = `tdr-report-${process.pid}-${Date.now()}`;
  const base = `/var/tmp/${tag}`;
  const hosts = ['compute-1', 'compute-2', 'compute-3'];
  const smtpPassword = secretValues['smtp.password']!;

  const steps: Partial<Record<StepKey, StepDefinition<null, Services>>> = {
    preflight: step('preflight', () =>
      ['tvm-1', ...hosts].map((h) =>
        remote(`check:${h}`, h, ['true'], `SSH login on ${h}`, { readOnly: true }),
      ),
    ),
    find: step(
      'find',
      () => [
        remote(
          'scan:tvm-1',
          'tvm-1',
          ['sh', '-c', 'ls -d /var/triliovault-mounts/* | head -5'],
          'List the mounted shares',
        ),
      ],
      {
        before: (ctx) => keystoneRequest(ctx, lab.clouds.B.authUrl),
      },
    ),
    copy: step('copy', () => [
      remote(
        'copy:tvm-1',
        'tvm-1',
        ['sh', '-c', 'mkdir -p "$1" && printf "%s\\n" workload > "$1/workload_db"', 'sh', `${base}/tvm-1`],
        'Copy the workload folder',
        {
          change: {
            kind: 'copy',
            undo: [remote('uncopy:tvm-1', 'tvm-1', ['rm', '-rf', `${base}/tvm-1`], 'Remove the copy')],
          },
        },
      ),
    ]),
    'mount-paths': step('mount-paths', () =>
      hosts.map((h) =>
        remote(`mkdir:${h}`, h, ['mkdir', '-p', `${base}/${h}`], `Create ${base}/${h}`, {
          change: {
            kind: 'mkdir',
            undo: [remote(`rmdir:${h}`, h, ['rmdir', `${base}/${h}`], `Remove ${base}/${h}`)],
          },
        }),
      ),
    ),
    access: step('access', () => [
      // Prints a secret and its base64: the log scrubber must catch both before anything is stored.
      remote(
        'leak:tvm-1',
        'tvm-1',
        ['sh', '-c', 'echo "login with $1"; printf %s "$1" | base64', 'sh', smtpPassword],
        'Log in to the mail relay',
      ),
    ]),
    reassign: step('reassign', () => [], {
      before: (ctx) => keystoneRequest(ctx, `${lab.clouds.B.authUrl}/`),
    }),
    restore: step('restore', () => [], {
      before: (ctx) => keystoneRequest(ctx, lab.clouds.B.authUrl),
      outcome: () => ({
        summary: '2 of 3 workloads restored.',
        data: {
          workloads: lab.workloads
            .filter((w) => !w.managed)
            .slice(0, 3)
            .map((w, i) => ({
              workloadId: w.id,
              name: w.name,
              sourceProject: w.sourceProject,
              sourceProjectName: w.sourceProjectName,
              targetProject: w.targetProject,
              snapshotId: w.snapshots[w.snapshots.length - 1],
              restoreId: `restore-${i}`,
              ...(i < 2
                ? {
                    status: 'available',
                    availableAt: new Date().toISOString(),
                    instances: w.vms.map((vm) => ({
                      name: `${vm.name}-dr`,
                      id: `new-${vm.id}`,
                      sourceName: vm.name,
                    })),
                  }
                : { status: 'error', error: 'Failed restoring instance: No valid host was found.' }),
            })),
        } satisfies RestoreOutcomeData,
      }),
    }),
    cleanup: {
      key: 'cleanup',
      discover: async () => ok(null),
      plan: () =>
        ok({
          step: 'cleanup',
          title: 'cleanup',
          summary: 'Undo the changes.',
          actions: [],
          verify: [],
          warnings: [],
        }),
      execute: async (_plan, _facts, ctx) => {
        for (const change of ctx.changes().filter((c) => !c.undoneAt)) {
          if (change.host === 'compute-2') {
            // The undo "fails" with real output; compute-3's change stays open after it.
            const r = await runRemote(
              ctx,
              remote(
                'busy',
                'compute-2',
                [
                  'sh',
                  '-c',
                  'echo "rmdir: failed to remove $1: Device or resource busy" >&2; exit 3',
                  'sh',
                  `${base}/compute-2`,
                ],
                'Remove',
              ),
            );
            if (!r.ok) return r;
          }
          for (const u of change.undo) {
            if (u.kind !== 'remote') continue;
            const r = await runRemote(ctx, u);
            if (!r.ok) return r;
          }
          ctx.markUndone(change.id);
        }
        return ok({ summary: 'All changes undone.', verify: [] });
      },
    },
  };

  const engine = new RunEngine<Services>({
    store: runs,
    steps: steps as Partial<Record<StepKey, StepDefinition<unknown, Services>>>,
    loadProfile: (id) => (id === profile.id ? profiles.get(id) : fail({ code: 'not-found', message: id })),
    openServices: async (p, _runId, signal) => {
      const resolve = createCredentialResolver(getSecret);
      const byId = new Map(p.hosts.map((h) => [h.id, h]));
      const pool = new SshPool({
        hosts: p.hosts.map(targetOf),
        credentials: (t) => resolve(byId.get(t.id)!),
        knownHosts,
        connectTimeoutSec: 10,
        keepaliveSec: 15,
        signal,
      });
      return ok({ pool, scrub: scrubber.scrub, sink: (r: LogRecord) => logWriter.write(r) });
    },
    closeServices: (s) => s.pool.closeAll(),
    log: (r) => logWriter.write(r),
    emitStep: () => {},
    emitRun: () => {},
    operator: 'report-tester',
  });

  const params: SingleRunParams = {
    kind: 'single',
    workloadId: finance.id,
    targetProject: finance.targetProject,
    trusteeUser: 'alice',
    snapshot: 'latest',
    restore: null,
    notifyOnly: false,
    removeMountsOnCleanup: true,
  };
  const created = engine.create(profile.id, params);
  if (!created.ok) throw new Error(created.error.message);
  const result = await engine.runAll(created.value.id, { includeOnDemand: ['cleanup'] });
  if (result.ok) throw new Error('the lab run was expected to fail in clean-up');
  if (!result.error.message.includes('exit code 3'))
    throw new Error(`unexpected failure: ${result.error.message}`);
  logWriter.flush();
  const run = runs.getRun(created.value.id)!;
  return {
    lab,
    store,
    profile,
    run,
    logs: readLogs(store, run.id),
    secrets: Object.values(secretValues),
    close: async () => {
      logWriter.close();
      store.close();
      for (const h of ['tvm-1', ...hosts]) await runOnHost(h, ['rm', '-rf', base]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
