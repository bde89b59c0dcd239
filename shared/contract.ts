import { z } from 'zod';
import type { AppError, Result } from './result.js';
import type { EventNameOfList } from './event-names.js';
import { profileSchema, type Profile, type ProjectMapping, type ProfileSummary } from './profile/profile.js';
import { runParamsSchema, stepKeySchema } from './run/run-params-schema.js';
import type { RunSummary, RunView, StepState } from './run/run-types.js';
import type { CheckMatrix } from './onboarding/check-matrix.js';
import type { Discovery } from './onboarding/discovery-types.js';
import type { OnboardingSources } from './onboarding/onboarding-sources.js';
import type { RunPreview } from './run/run-preview.js';
import type { NameBook } from './names/name-book.js';
import type { ReprotectResult } from './plans/reprotect-plan.js';
import type { DrillProgress, DrillSummary, DrillView } from './drill/drill-types.js';

/**
 * The one contract between the renderer and the main process. Every call the renderer can make and
 * every event it can receive is named here once; the preload, the Electron IPC registration and the
 * browser-mode HTTP bridge are all derived from this map. Arguments are validated with the schema in
 * the main process before any handler sees them; results are typed only (the main process is trusted).
 */
const returns = <T>() => undefined as unknown as T;
const call = <A extends z.ZodType, R>(args: A, result: R) => ({ args, result });

const id = z.string().min(1).max(200);
const secretUpdates = z.record(z.string().max(200), z.union([z.string().max(64 * 1024), z.null()]));

export interface AppInfo {
  version: string;
  mode: 'desktop' | 'browser' | 'headless';
  /** The secret store needs a passphrase before profiles with secrets can be used. */
  storeLocked: boolean;
  /** No passphrase was chosen for this data folder yet: the unlock screen asks to choose one, twice. */
  storeNew: boolean;
  /** What opened the store in this process: the OS key store (desktop) or the passphrase. */
  cipher: 'safe-storage' | 'passphrase';
  /**
   * A passphrase opens this data folder's secrets (browser mode and the CLI need it). False on a new
   * store, or a desktop store sealed by the OS key store only (the app offers to set one).
   */
  passphraseSet: boolean;
  /** This process has an OS key store that holds the data key (the desktop app opens silently). */
  keychain: boolean;
  dataDir: string;
}

export interface ProfileExport {
  /** JSON text of the profile, without secrets. */
  text: string;
  fileName: string;
}

/** A project of the target cloud's domain a source project can be mapped to. */
export interface TargetProjectChoice {
  id: string;
  name: string;
}

/** A file the main process made (report, runbook) handed over as bytes for a download or the CLI to write. */
export interface FileDownload {
  fileName: string;
  mimeType: string;
  base64: string;
}

const filePath = z.string().min(1).max(4096);
const cloudRef = z.union([
  z.object({ kind: z.literal('clouds-yaml'), cloud: z.string().min(1).max(200) }),
  z.object({ kind: z.literal('openrc'), file: filePath }),
]);
const nfsExportText = z.string().max(1024).optional();
/** What "Start from my environment" reads: files on the machine that runs the core. */
export const discoveryRequestSchema = z.object({
  name: z.string().min(1).max(120),
  clouds: z.object({ source: cloudRef.optional(), target: cloudRef }),
  cloudsFile: filePath.optional(),
  secureFile: filePath.optional(),
  sshConfig: z.string().max(4096).optional(),
  knownHosts: z.array(filePath).max(20).optional(),
  inventory: filePath.optional(),
  nfs: z.object({ source: nfsExportText, target: nfsExportText, syncedCopy: nfsExportText }).optional(),
  probe: z.boolean().optional(),
});

export const calls = {
  'app.info': call(z.object({}), returns<AppInfo>()),
  'store.unlock': call(z.object({ passphrase: z.string().min(1).max(1024) }), returns<AppInfo>()),
  /** Sets or changes the passphrase that opens the (unlocked) store in browser mode and the CLI. */
  'store.setPassphrase': call(z.object({ passphrase: z.string().min(1).max(1024) }), returns<AppInfo>()),
  'profiles.list': call(z.object({}), returns<ProfileSummary[]>()),
  'profiles.get': call(z.object({ id }), returns<Profile>()),
  'profiles.save': call(
    z.object({ profile: profileSchema, secrets: secretUpdates.default({}) }),
    returns<Profile>(),
  ),
  'profiles.duplicate': call(z.object({ id, name: z.string().min(1).max(120) }), returns<Profile>()),
  'profiles.delete': call(z.object({ id }), returns<{ deleted: boolean }>()),
  'profiles.export': call(z.object({ id }), returns<ProfileExport>()),
  'profiles.import': call(z.object({ text: z.string().max(4 * 1024 * 1024) }), returns<Profile>()),
  /** The environment runbook of a profile (Markdown or HTML); with a run, including that run's plans. */
  'profiles.runbook': call(
    z.object({
      id,
      kind: z.enum(['single', 'full']).default('single'),
      runId: id.optional(),
      format: z.enum(['md', 'html']).default('html'),
    }),
    returns<FileDownload>(),
  ),
  /** Standard places onboarding looks (clouds.yaml and its clouds, SSH config, known_hosts, openrc, inventories). */
  'onboarding.sources': call(z.object({}), returns<OnboardingSources>()),
  /** Reads the admin's files and the live environment; proposes a profile with its diff (nothing saved). */
  'onboarding.discover': call(discoveryRequestSchema, returns<Discovery>()),
  /** Saves a discovered profile with the secrets and host keys found (replace: update the same-named profile). */
  'onboarding.apply': call(
    z.object({ id, replace: z.boolean().default(false), secrets: secretUpdates.default({}) }),
    returns<Profile>(),
  ),
  /** "Check connections": the matrix of everything the DR will touch (read-only). */
  'profiles.check': call(z.object({ id }), returns<CheckMatrix>()),
  /** Trusts the host key a host presented (after the user compared the fingerprint). */
  'hosts.trustKey': call(
    z.object({
      profileId: id,
      host: z.string().min(1).max(300),
      keyType: z.string().min(1).max(100),
      keyBase64: z
        .string()
        .min(1)
        .max(16 * 1024),
      replace: z.boolean().default(false),
    }),
    returns<{ trusted: boolean }>(),
  ),
  'runs.create': call(z.object({ profileId: id, params: runParamsSchema }), returns<RunView>()),
  /**
   * The complete plan of a run that is not created: every step planned from read-only discovery. No
   * run is saved, no host or cloud is changed (`trilio-dr plan`).
   */
  'runs.preview': call(z.object({ profileId: id, params: runParamsSchema }), returns<RunPreview>()),
  'runs.list': call(z.object({ profileId: id.optional() }), returns<RunSummary[]>()),
  'runs.get': call(z.object({ runId: id }), returns<RunView>()),
  'runs.updateParams': call(z.object({ runId: id, params: runParamsSchema }), returns<RunView>()),
  'runs.plan': call(z.object({ runId: id, step: stepKeySchema }), returns<StepState>()),
  'runs.execute': call(
    z.object({
      runId: id,
      step: stepKeySchema,
      confirmed: z.array(z.string().max(300)).max(1000).default([]),
    }),
    returns<StepState>(),
  ),
  'runs.cancel': call(z.object({ runId: id }), returns<{ cancelled: boolean }>()),
  /** The user closes a run: done without clean-up, or abandoned; nothing outside the store changes. */
  'runs.close': call(z.object({ runId: id }), returns<RunView>()),
  /** The run report (HTML, PDF, JSON or CSV) as bytes for a download or the CLI to write. */
  'runs.report': call(
    z.object({ runId: id, format: z.enum(['html', 'pdf', 'json', 'csv']) }),
    returns<FileDownload>(),
  ),
  /**
   * Re-protect after DR: the run's reassigned workloads with their job schedule and backup target, and
   * the re-enable calls for the schedules that are off; `execute` sends them and reads every one back.
   */
  'runs.reprotect': call(
    z.object({ runId: id, execute: z.boolean().default(false) }),
    returns<ReprotectResult>(),
  ),
  /** Full-cloud runs: source projects of the found workloads mapped to target projects by name. */
  'runs.suggestMapping': call(z.object({ runId: id }), returns<ProjectMapping[]>()),
  /** Full-cloud runs: the projects of the target domain, for choosing a mapping's target project. */
  'runs.targetProjects': call(z.object({ runId: id }), returns<TargetProjectChoice[]>()),
  /** Names of the clouds' projects, users, networks, subnets and volume types (and a run's own), by id. */
  'names.lookup': call(z.object({ profileId: id, runId: id.optional() }), returns<NameBook>()),
  /**
   * DR drill (issue 21): rehearses the DR of the workloads (or all) into isolated drill projects,
   * verifies, tears everything down and proves it with inventories. Returns at once with the drill
   * running; `drill` events and `drills.get` follow it. Refused while a real DR run of the profile is open.
   */
  'drills.start': call(
    z.object({
      profileId: id,
      all: z.boolean().default(false),
      workloadIds: z.array(id).max(10_000).default([]),
    }),
    returns<DrillView>(),
  ),
  /** Resumes an interrupted drill: finishes its workloads' tear-down and takes the after inventory. */
  'drills.resume': call(z.object({ drillId: id }), returns<DrillView>()),
  'drills.get': call(z.object({ drillId: id }), returns<DrillView>()),
  'drills.list': call(z.object({ profileId: id.optional() }), returns<DrillSummary[]>()),
  /** The drill report (HTML, PDF or JSON), with the comparison to the profile's previous drill. */
  'drills.report': call(
    z.object({ drillId: id, format: z.enum(['html', 'pdf', 'json']) }),
    returns<FileDownload>(),
  ),
  'runs.logs': call(
    z.object({
      runId: id,
      afterId: z.number().int().min(0).optional(),
      limit: z.number().int().min(1).max(100_000).default(10_000),
    }),
    returns<(LogRecord & { id: number })[]>(),
  ),
} as const;

export type Calls = typeof calls;
export type CallName = keyof Calls;
export type CallArgs<N extends CallName> = z.input<Calls[N]['args']>;
export type ParsedArgs<N extends CallName> = z.output<Calls[N]['args']>;
export type CallResult<N extends CallName> = Calls[N]['result'];

/** One line of output or narration, tagged with where it came from. */
export interface LogRecord {
  runId: string;
  step: string;
  /** Host name from the profile, or '' for the wizard itself (API calls, planning). */
  host: string;
  stream: 'stdout' | 'stderr' | 'info' | 'command' | 'error';
  /** Milliseconds since the epoch. */
  ts: number;
  text: string;
}

export type StepStatus = 'pending' | 'planned' | 'running' | 'succeeded' | 'failed' | 'skipped' | 'cancelled';

/** How one item (a workload) of a bulk step stands, sent as it changes. */
export interface StepItemProgress {
  /** The workload id. */
  id: string;
  state: 'running' | 'succeeded' | 'failed';
  message?: string;
}

export interface StepProgress {
  runId: string;
  step: string;
  status: StepStatus;
  /** 0..1 when known. */
  fraction?: number;
  message?: string;
  error?: AppError;
  item?: StepItemProgress;
}

export interface RunLifecycle {
  runId: string;
  phase: 'started' | 'finished' | 'failed' | 'cancelled';
}

export interface Events {
  /** Batches of log lines, flushed per tick so the UI never redraws per line. */
  log: LogRecord[];
  step: StepProgress;
  run: RunLifecycle;
  /** A drill's state changed (phase, workload, end). */
  drill: DrillProgress;
}
export type EventName = keyof Events;
export { eventNames } from './event-names.js';
/** Every event has its name in `eventNames`, and every name there is an event (a compile-time check). */
type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const eventNamesMatch: SameKeys<EventName, EventNameOfList> = true;
void eventNamesMatch;

/** The typed API the renderer uses, whatever carries it (Electron IPC or browser-mode HTTP). */
export interface Api {
  call<N extends CallName>(name: N, args: CallArgs<N>): Promise<Result<CallResult<N>>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

export function isCallName(name: unknown): name is CallName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(calls, name);
}

/** Validates raw arguments at the door; the message names the call and the bad fields. */
export function parseCallArgs<N extends CallName>(name: N, raw: unknown): Result<ParsedArgs<N>> {
  const parsed = calls[name].args.safeParse(raw ?? {});
  if (parsed.success) return { ok: true, value: parsed.data as ParsedArgs<N> };
  return {
    ok: false,
    error: {
      code: 'invalid-argument',
      message: `Invalid arguments for ${name}.`,
      fields: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    },
  };
}
