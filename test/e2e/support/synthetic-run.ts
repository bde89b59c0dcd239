import type { Page } from 'playwright-core';
import type { ScannedWorkload } from '../../../shared/discovery/workload-scan.js';
import { profileSchema, type Profile } from '../../../shared/profile/profile.js';
import type { RunSummary, RunView, StepState } from '../../../shared/run/run-types.js';
import { stepsFor } from '../../../shared/run/step-catalog.js';
import { FIRST_SCREEN_ELEMENT_ID } from '../../../shared/first-screen.js';

/**
 * A full-cloud run of synthetic size (issue 22: the live matrix stays smooth with 200 hosts × 500
 * workloads), served to the real built page by intercepting its calls: the page, its state classes and
 * its components are the product's; only the main process's answers are made up.
 */
export const SYNTH_PROFILE = 'p-synthetic';
export const SYNTH_RUN = 'run-synthetic';

export function syntheticProfile(hosts: number): Profile {
  return profileSchema.parse({
    id: SYNTH_PROFILE,
    name: 'synthetic',
    clouds: {
      source: { authUrl: 'http://127.0.0.1:9/v3', region: 'A' },
      target: { authUrl: 'http://127.0.0.1:9/v3', region: 'B', username: 'admin' },
    },
    hosts: Array.from({ length: hosts }, (_, i) => ({
      id: `h${i}`,
      name: i === 0 ? 'tvm-1' : `compute-${i}`,
      role: i === 0 ? 'tvm' : 'compute',
      address: `10.1.${Math.floor(i / 250)}.${i % 250}`,
    })),
    nfs: { source: '10.0.0.1:/a1', target: '10.0.0.1:/b1', syncedCopy: '10.0.0.1:/b2' },
  });
}

function workload(i: number): ScannedWorkload {
  return {
    id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    name: `wl-${String(i).padStart(3, '0')}`,
    description: null,
    projectId: `p${i % 20}`,
    userId: null,
    status: 'available',
    createdAt: null,
    metadata: {},
    vms: [],
    snapshots: [],
    sizeBytes: 0,
    fileCount: 0,
    path: '',
    root: '',
    errors: [],
  };
}

export function syntheticRun(profile: Profile, workloads: number): RunView {
  const all = Array.from({ length: workloads }, (_, i) => workload(i));
  const mapping = Array.from({ length: 20 }, (_, i) => ({
    sourceProjectId: `p${i}`,
    sourceProjectName: `project-${i}`,
    targetProject: `project-${i}-dr`,
    trusteeUser: '',
  }));
  const steps: StepState[] = stepsFor('full', false).map((key) => {
    if (key === 'preflight') return { key, status: 'succeeded', attempts: 1 };
    if (key === 'find')
      return {
        key,
        status: 'succeeded',
        attempts: 1,
        outcome: {
          summary: `${workloads} workloads`,
          verify: [],
          data: { sourceRoot: '/b2', workloads: all, selected: null },
        },
      };
    if (key === 'mount-paths')
      return {
        key,
        status: 'running',
        attempts: 1,
        startedAt: new Date().toISOString(),
        plan: {
          step: key,
          title: 'Mount paths',
          summary: 'bind mounts',
          warnings: [],
          verify: [],
          actions: profile.hosts.map((h) => ({
            kind: 'remote' as const,
            id: `bind-${h.id}`,
            host: h.id,
            argv: ['mount', '--bind', '/a', '/b'],
            privileged: true,
            description: 'bind mount',
          })),
        },
      };
    return { key, status: 'pending', attempts: 0 };
  });
  return {
    id: SYNTH_RUN,
    profileId: profile.id,
    kind: 'full',
    status: 'running',
    params: {
      kind: 'full',
      mapping,
      notifyOnly: false,
      restoreConcurrency: 50,
      removeMountsOnCleanup: false,
    },
    steps,
    changes: [],
    createdAt: new Date().toISOString(),
    startedAt: new Date().toISOString(),
    operator: 'synthetic',
  };
}

/** Answers the page's calls for the synthetic profile and run (everything else is refused). */
export async function serveSynthetic(page: Page, profile: Profile, run: RunView): Promise<void> {
  const summary: RunSummary = {
    id: run.id,
    profileId: profile.id,
    kind: 'full',
    status: 'running',
    createdAt: run.createdAt,
    title: 'Full cloud DR',
    phase: 'running',
    phaseLabel: 'running',
    workloads: [],
    workloadCount: 500,
    target: 'project-0-dr, …',
  };
  const answers: Record<string, unknown> = {
    'profiles.list': [
      {
        id: profile.id,
        name: profile.name,
        description: '',
        hostCount: profile.hosts.length,
        updatedAt: run.createdAt,
      },
    ],
    'profiles.get': profile,
    'runs.list': [summary],
    'runs.get': run,
    'runs.logs': [],
    'names.lookup': { names: {}, problems: [] },
  };
  // Browser mode answers the first screen's calls in the page itself (electron/serve/first-screen-page.ts):
  // the element is taken out as the parser adds it, before the app's (deferred) module script reads it,
  // so the synthetic page's calls come here like every other.
  await page.addInitScript((id: string) => {
    new MutationObserver((_records, observer) => {
      const answers = document.getElementById(id);
      if (!answers) return;
      answers.remove();
      observer.disconnect();
    }).observe(document, { childList: true, subtree: true });
  }, FIRST_SCREEN_ELEMENT_ID);
  await page.route('**/api/call/**', async (route) => {
    const name = decodeURIComponent(new URL(route.request().url()).pathname.split('/').pop() ?? '');
    if (name === 'app.info') return route.continue();
    const value = answers[name];
    await route.fulfill({
      contentType: 'application/json',
      body: JSON.stringify(
        value === undefined
          ? { ok: false, error: { code: 'internal', message: `${name} is not served here` } }
          : { ok: true, value },
      ),
    });
  });
}

/** Keeps the page's EventSource so the test can hand it `log` and `step` events as the server would. */
export function keepEventSources(): void {
  const Native = window.EventSource;
  const kept: EventSource[] = [];
  (window as unknown as { __sources: EventSource[] }).__sources = kept;
  window.EventSource = class extends Native {
    constructor(url: string | URL, init?: EventSourceInit) {
      super(url, init);
      kept.push(this);
    }
  };
}

/**
 * Streams live state into the page for `seconds` (a batch every 50 ms: commands starting and ending on
 * hosts, workloads' restores changing state) while the matrix scrolls, and returns every frame's length.
 */
export function streamLiveState(
  page: Page,
  options: { runId: string; hosts: string[]; workloadIds: string[]; seconds: number },
): Promise<{ frames: number[]; rows: number }> {
  return page.evaluate(async ({ runId, hosts, workloadIds, seconds }) => {
    const source = (window as unknown as { __sources: EventSource[] }).__sources[0];
    if (!source) throw new Error('the page opened no event stream');
    const viewport = document.querySelector('[data-testid="matrix-viewport"]') as HTMLElement | null;
    if (!viewport) throw new Error('the matrix is not shown');
    const batches = (seconds * 1000) / 50;
    const frames: number[] = [];
    let running = true;
    let last = -1;
    const tick = (t: number) => {
      if (last >= 0) frames.push(t - last);
      last = t;
      // Scrolling all the way through the rows while state changes (3 rows per frame).
      viewport.scrollTop =
        (viewport.scrollTop + 72) % Math.max(1, viewport.scrollHeight - viewport.clientHeight);
      if (running) requestAnimationFrame(tick);
    };
    await new Promise((r) => requestAnimationFrame(r));
    requestAnimationFrame(tick);
    const started = performance.now();
    for (let b = 0; b < batches; b++) {
      const wait = started + b * 50 - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const now = Date.now();
      const lines = [];
      for (let i = 0; i < 100; i++) {
        const host = hosts[(b * 100 + i) % hosts.length]!;
        lines.push({
          runId,
          step: 'mount-paths',
          host,
          stream: 'command',
          ts: now,
          text: 'mount --bind /a /b',
        });
        lines.push({
          runId,
          step: 'mount-paths',
          host,
          stream: 'info',
          ts: now + 5,
          text: 'exit 0 after 5 ms',
        });
      }
      source.dispatchEvent(new MessageEvent('log', { data: JSON.stringify(lines) }));
      for (let i = 0; i < 25; i++) {
        const id = workloadIds[(b * 25 + i) % workloadIds.length]!;
        const state = (b + i) % 3 === 0 ? 'running' : (b + i) % 3 === 1 ? 'succeeded' : 'failed';
        source.dispatchEvent(
          new MessageEvent('step', {
            data: JSON.stringify({
              runId,
              step: 'restore',
              status: 'running',
              fraction: b / batches,
              item: { id, state, message: state },
            }),
          }),
        );
      }
    }
    await new Promise((r) => setTimeout(r, 200));
    running = false;
    return { frames, rows: document.querySelectorAll('[data-testid="matrix-row"]').length };
  }, options);
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
