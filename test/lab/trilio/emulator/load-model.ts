import { badRequest, faultBody, isRecord } from './http-kit.js';
import { mulberry32 } from '../../seeded-random.js';

/**
 * An appliance under load, for the benchmarks (`POST /_lab/load`); off unless asked for, and cleared
 * by `_lab/reset`. With it on:
 * - each restore takes a time drawn from a log-normal (median, sigma), seeded, instead of the fixed
 *   step pace;
 * - at most `maxConcurrentRestores` restores are running (restoring, executing or cancelling) at
 *   once; a further `POST …/snapshots/{id}` (restore) is answered `busyStatus` (429 or 503) with
 *   `Retry-After: retryAfterSeconds` and creates nothing, as workloadmgr behind its haproxy does when
 *   no worker takes the request (see FACTS.md: which part is a fact, which is this model);
 * - a seeded share (`slowCallRate`) of the API's GET requests is delayed by `slowCallMs`.
 * Every restore's drawn and actual time is recorded (`GET /_lab/load`): the lower bound of a bulk
 * restore is computed from them.
 */

export interface LoadSettings {
  seed: number;
  maxConcurrentRestores: number;
  busyStatus: 429 | 503;
  retryAfterSeconds: number;
  restoreMs: { median: number; sigma: number };
  slowCallRate: number;
  slowCallMs: number;
}

export interface RestoreTiming {
  restoreId: string;
  workloadId: string;
  drawnMs: number;
  /** Epoch ms when the restore row was created (POST accepted) and when it reached its end. */
  startedAt: number;
  finishedAt?: number;
  /** finishedAt − startedAt. */
  actualMs?: number;
  status?: string;
}

export interface LoadReport {
  settings: LoadSettings | null;
  /** Restore requests refused as busy. */
  refusals: number;
  /** GET requests delayed. */
  slowCalls: number;
  /** Most restores running at once. */
  peakRunning: number;
  restores: RestoreTiming[];
}

export class LoadModel {
  private settings: LoadSettings | null = null;
  /** Restore times and slow calls draw from their own generators, so a run with the same seed and the
   *  same number of restores gets the same restore times whatever its reads (the serial reference). */
  private restoreRandom: () => number = Math.random;
  private callRandom: () => number = Math.random;
  private refusals = 0;
  private slowCalls = 0;
  private peakRunning = 0;
  private timings = new Map<string, RestoreTiming>();

  get enabled(): boolean {
    return this.settings !== null;
  }

  configure(value: unknown): LoadSettings {
    this.settings = parseSettings(value);
    this.restoreRandom = mulberry32(this.settings.seed);
    this.callRandom = mulberry32(this.settings.seed ^ 0x5bd1e995);
    this.refusals = 0;
    this.slowCalls = 0;
    this.peakRunning = 0;
    this.timings.clear();
    return this.settings;
  }

  clear(): void {
    this.settings = null;
    this.timings.clear();
    this.refusals = 0;
    this.slowCalls = 0;
    this.peakRunning = 0;
  }

  /** The busy answer for a restore request when `running` restores already run; undefined: accepted. */
  refuseRestore(
    running: number,
  ): { status: number; body: unknown; headers: Record<string, string> } | undefined {
    const s = this.settings;
    if (!s || running < s.maxConcurrentRestores) return undefined;
    this.refusals += 1;
    return {
      status: s.busyStatus,
      body:
        s.busyStatus === 503
          ? faultBody(503, 'No server is available to handle this request.')
          : faultBody(429, 'Too many restores are running; try again later.'),
      headers: { 'Retry-After': String(s.retryAfterSeconds) },
    };
  }

  /** While the load model is on, the emulator's Neutron lookups are reused (see NeutronClient). */
  neutronCacheMs(): number {
    return this.settings ? 3_600_000 : 0;
  }

  /** How long this GET waits before it is served (0 for most). */
  slowDelayMs(method: string): number {
    const s = this.settings;
    if (!s || method !== 'GET' || s.slowCallRate <= 0) return 0;
    if (this.callRandom() >= s.slowCallRate) return 0;
    this.slowCalls += 1;
    return s.slowCallMs;
  }

  /** A restore accepted with `running` restores now running (itself included): its drawn time. */
  restoreStarted(restoreId: string, workloadId: string, running: number): number | undefined {
    const s = this.settings;
    if (!s) return undefined;
    this.peakRunning = Math.max(this.peakRunning, running);
    const drawnMs = Math.round(
      s.restoreMs.median * Math.exp(s.restoreMs.sigma * gaussian(this.restoreRandom)),
    );
    this.timings.set(restoreId, { restoreId, workloadId, drawnMs, startedAt: Date.now() });
    return drawnMs;
  }

  restoreFinished(restoreId: string, status: string): void {
    const t = this.timings.get(restoreId);
    if (!t || t.finishedAt !== undefined) return;
    t.finishedAt = Date.now();
    t.actualMs = t.finishedAt - t.startedAt;
    t.status = status;
  }

  report(): LoadReport {
    return {
      settings: this.settings,
      refusals: this.refusals,
      slowCalls: this.slowCalls,
      peakRunning: this.peakRunning,
      restores: [...this.timings.values()],
    };
  }
}

function parseSettings(value: unknown): LoadSettings {
  if (!isRecord(value)) throw badRequest('The load model is an object (see load-model.ts).');
  const num = (key: string, fallback: number, min: number, max: number): number => {
    const v = value[key] ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max)
      throw badRequest(`${key} must be a number from ${min} to ${max}.`);
    return v;
  };
  const busyStatus = value.busyStatus ?? 503;
  if (busyStatus !== 429 && busyStatus !== 503) throw badRequest('busyStatus must be 429 or 503.');
  const restore = isRecord(value.restoreMs) ? value.restoreMs : {};
  const median = restore.median ?? 2000;
  const sigma = restore.sigma ?? 0.4;
  if (typeof median !== 'number' || median < 1 || median > 3_600_000)
    throw badRequest('restoreMs.median must be from 1 to 3600000.');
  if (typeof sigma !== 'number' || sigma < 0 || sigma > 3)
    throw badRequest('restoreMs.sigma must be from 0 to 3.');
  return {
    seed: Math.trunc(num('seed', 1, 0, 2 ** 32 - 1)),
    maxConcurrentRestores: Math.trunc(num('maxConcurrentRestores', 10, 1, 10_000)),
    busyStatus,
    retryAfterSeconds: Math.trunc(num('retryAfterSeconds', 1, 0, 3600)),
    restoreMs: { median, sigma },
    slowCallRate: num('slowCallRate', 0, 0, 1),
    slowCallMs: Math.trunc(num('slowCallMs', 0, 0, 600_000)),
  };
}

/** A standard normal draw (Box–Muller). */
function gaussian(random: () => number): number {
  const u = Math.max(random(), Number.EPSILON);
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
