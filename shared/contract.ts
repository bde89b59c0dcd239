import { z } from 'zod';
import type { AppError, Result } from './result.js';
import { profileSchema, type Profile, type ProjectMapping, type ProfileSummary } from './profile/profile.js';
import { runParamsSchema, stepKeySchema } from './run/run-params-schema.js';
import type { RunSummary, RunView, StepState } from './run/run-types.js';
import type { NameBook } from './names/name-book.js';

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
  cipher: 'safe-storage' | 'passphrase';
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

export const calls = {
  'app.info': call(z.object({}), returns<AppInfo>()),
  'store.unlock': call(z.object({ passphrase: z.string().min(1).max(1024) }), returns<AppInfo>()),
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
  /** The run report (HTML, PDF or JSON) as bytes for a download or the CLI to write. */
  'runs.report': call(
    z.object({ runId: id, format: z.enum(['html', 'pdf', 'json']) }),
    returns<FileDownload>(),
  ),
  /** Full-cloud runs: source projects of the found workloads mapped to target projects by name. */
  'runs.suggestMapping': call(z.object({ runId: id }), returns<ProjectMapping[]>()),
  /** Full-cloud runs: the projects of the target domain, for choosing a mapping's target project. */
  'runs.targetProjects': call(z.object({ runId: id }), returns<TargetProjectChoice[]>()),
  /** Names of the clouds' projects, users, networks, subnets and volume types (and a run's own), by id. */
  'names.lookup': call(z.object({ profileId: id, runId: id.optional() }), returns<NameBook>()),
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
}
export type EventName = keyof Events;
export const eventNames: readonly EventName[] = ['log', 'step', 'run'];

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
