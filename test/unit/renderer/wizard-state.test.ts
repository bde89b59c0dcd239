import { describe, expect, it } from 'vitest';
import { WizardState } from '../../../renderer/src/lib/wizard/wizard-state.svelte.js';

describe('WizardState', () => {
  it('lists the runbook steps in order, all pending', () => {
    const wizard = new WizardState();
    expect(wizard.steps.map((s) => s.title)).toEqual([
      'Pre-flight',
      'Find the workload',
      'Copy',
      'Mount paths',
      'Access',
      'Reassign',
      'Restore',
      'Clean up',
    ]);
    expect(new Set(wizard.steps.map((s) => s.status))).toEqual(new Set(['pending']));
    expect(wizard.current.key).toBe('preflight');
  });

  it('applies step events of its run and ignores others', () => {
    const wizard = new WizardState();
    wizard.reset('run-1');
    expect(
      wizard.apply({
        runId: 'run-1',
        step: 'copy',
        status: 'running',
        fraction: 0.5,
        message: '3 of 6 files',
      }),
    ).toBe(true);
    expect(wizard.apply({ runId: 'run-2', step: 'copy', status: 'failed' })).toBe(false);
    expect(wizard.apply({ runId: 'run-1', step: 'not-a-step', status: 'failed' })).toBe(false);
    wizard.select('copy');
    expect(wizard.current).toMatchObject({ status: 'running', fraction: 0.5, message: '3 of 6 files' });
  });

  it('shows the error message of a failed step', () => {
    const wizard = new WizardState();
    wizard.apply({
      runId: 'r',
      step: 'mount-paths',
      status: 'failed',
      error: { code: 'ssh-command', message: 'mount: permission denied' },
    });
    expect(wizard.steps.find((s) => s.key === 'mount-paths')?.message).toBe('mount: permission denied');
    wizard.reset();
    expect(wizard.steps.every((s) => s.status === 'pending' && s.message === '')).toBe(true);
  });
});
