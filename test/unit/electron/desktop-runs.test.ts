import { describe, expect, it } from 'vitest';
import type { EventName, Events, StepProgress } from '../../../shared/contract.js';
import { ok } from '../../../shared/result.js';
import type { RunStatus } from '../../../shared/run/run-types.js';
import { setupDesktopRuns, type DesktopApis } from '../../../electron/desktop/desktop-runs.js';

/**
 * The desktop behaviour around runs, driven by the core's step events as the run engine emits them
 * (running → succeeded/failed/cancelled), with Electron's powerSaveBlocker, Notification and the quit
 * dialog replaced by recorders.
 */
function world(options: { answer?: boolean; status?: RunStatus } = {}) {
  const listeners = new Set<<E extends EventName>(event: E, payload: Events[E]) => void>();
  const calls: string[] = [];
  const statuses = new Map<string, RunStatus>();
  const core = {
    subscribe(listener: <E extends EventName>(event: E, payload: Events[E]) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async handle(name: string, args: unknown) {
      const runId = (args as { runId: string }).runId;
      calls.push(`${name} ${runId}`);
      return ok({ id: runId, status: statuses.get(runId) ?? options.status ?? 'waiting' });
    },
  };
  let nextId = 0;
  const held = new Set<number>();
  const blocker: string[] = [];
  const shown: { title: string; body: string }[] = [];
  const asked: string[][] = [];
  let focused = 0;
  const apis: DesktopApis = {
    powerSaveBlocker: {
      start(type) {
        blocker.push(`start ${type}`);
        held.add(++nextId);
        return nextId;
      },
      stop(id) {
        blocker.push(`stop ${id}`);
        held.delete(id);
      },
      isStarted: (id) => held.has(id),
    },
    notifications: {
      isSupported: () => true,
      show(message, onClick) {
        shown.push(message);
        onClick();
      },
    },
    confirmQuit(running) {
      asked.push(running.map((r) => `${r.runId}:${r.step}`));
      return options.answer ?? false;
    },
    focusWindow: () => void focused++,
  };
  const desktop = setupDesktopRuns(core, apis);
  const step = async (runId: string, step: string, status: StepProgress['status'], message?: string) => {
    for (const l of listeners)
      l('step', { runId, step, status, ...(message ? { error: { code: 'ssh-command', message } } : {}) });
    // Let the run status lookup of a succeeded step settle.
    await new Promise((r) => setTimeout(r, 0));
  };
  return { desktop, step, calls, statuses, blocker, held, shown, asked, focused: () => focused };
}

describe('desktop behaviour around runs', () => {
  it('holds the power-save blocker while a step executes and releases it when no run executes', async () => {
    const w = world();
    expect(w.blocker).toEqual([]);
    await w.step('run-1', 'copy', 'running');
    expect(w.blocker).toEqual(['start prevent-app-suspension']);
    await w.step('run-1', 'copy', 'running'); // progress of the same step
    await w.step('run-2', 'find', 'running');
    expect(w.blocker).toHaveLength(1);
    await w.step('run-1', 'copy', 'succeeded');
    expect(w.held.size).toBe(1); // run-2 still executes
    await w.step('run-2', 'find', 'failed', 'tvm-1: cannot list');
    expect(w.blocker).toEqual(['start prevent-app-suspension', 'stop 1']);
    expect(w.held.size).toBe(0);
    // Planning a step (no `running`) does not keep the machine awake.
    await w.step('run-3', 'restore', 'planned');
    expect(w.blocker).toHaveLength(2);
  });

  it('notifies when a run ends, and brings the window back on click', async () => {
    const w = world();
    await w.step('run-1', 'mount-paths', 'running');
    await w.step('run-1', 'mount-paths', 'succeeded'); // more steps wait: no notification
    expect(w.shown).toEqual([]);
    w.statuses.set('run-1', 'succeeded');
    await w.step('run-1', 'restore', 'running');
    await w.step('run-1', 'restore', 'succeeded');
    expect(w.shown).toEqual([
      { title: 'DR run finished', body: 'Run run-1: every step succeeded. The report is ready.' },
    ]);
    expect(w.focused()).toBe(1);
    // Clean-up is on demand: its success ends it whatever the run's status.
    await w.step('run-1', 'cleanup', 'running');
    await w.step('run-1', 'cleanup', 'succeeded');
    expect(w.shown[1]).toMatchObject({ title: 'Clean up finished' });
  });

  it('notifies when a run halts, with the error', async () => {
    const w = world();
    await w.step('run-7', 'reassign', 'running');
    await w.step('run-7', 'reassign', 'failed', 'Trilio did not reassign fin-erp');
    expect(w.shown).toEqual([
      {
        title: 'DR run stopped at Reassign',
        body: 'Run run-7: Trilio did not reassign fin-erp. Open the wizard to see what to do; the step is safe to run again.',
      },
    ]);
    await w.step('run-8', 'copy', 'running');
    await w.step('run-8', 'copy', 'cancelled');
    expect(w.shown[1]!.title).toBe('DR run cancelled at Copy');
  });

  it('quits without asking when no run executes', () => {
    const w = world();
    expect(w.desktop.quitGuard.allowQuit()).toBe(true);
    expect(w.asked).toEqual([]);
  });

  it('asks before quitting during a run; keeping it running prevents the quit', async () => {
    const w = world({ answer: false });
    await w.step('run-1', 'restore', 'running');
    expect(w.desktop.quitGuard.allowQuit()).toBe(false);
    expect(w.asked).toEqual([['run-1:restore']]);
    expect(w.calls.filter((c) => c.startsWith('runs.cancel'))).toEqual([]);
  });

  it('quitting anyway cancels the running step once and is not asked again by the window close', async () => {
    const w = world({ answer: true });
    await w.step('run-1', 'restore', 'running');
    expect(w.desktop.quitGuard.allowQuit()).toBe(true);
    expect(w.desktop.quitGuard.allowQuit()).toBe(true);
    expect(w.asked).toHaveLength(1);
    expect(w.calls.filter((c) => c.startsWith('runs.cancel'))).toEqual(['runs.cancel run-1']);
  });

  it('releases the blocker when disposed', async () => {
    const w = world();
    await w.step('run-1', 'copy', 'running');
    w.desktop.dispose();
    expect(w.held.size).toBe(0);
    await w.step('run-2', 'copy', 'running');
    expect(w.blocker).toEqual(['start prevent-app-suspension', 'stop 1']);
  });
});
