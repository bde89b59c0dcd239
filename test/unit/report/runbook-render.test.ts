import { describe, expect, it } from 'vitest';
import { fail, ok } from '../../../shared/result.js';
import { runbookMarkdown } from '../../../shared/report/runbook-doc.js';
import { planBlocks, planText, type RenderOptions } from '../../../shared/report/runbook-render.js';
import type { RemoteAction, StepPlan } from '../../../shared/run/plan-types.js';

const names: Record<string, string> = { h1: 'tvm-1', h2: 'compute-1', h3: 'compute-2' };
const options: RenderOptions = { hostName: (id) => names[id] ?? id, configBefore: () => undefined };
const md = (plan: StepPlan) => runbookMarkdown({ title: 't', blocks: planBlocks(ok(plan), options) });

const remote = (host: string, argv: string[], extra: Partial<RemoteAction> = {}): RemoteAction => ({
  kind: 'remote',
  id: `${argv[0]}:${host}`,
  host,
  argv,
  privileged: true,
  description: `Run ${argv[0]} on ${names[host]}`,
  ...extra,
});

const plan = (actions: StepPlan['actions']): StepPlan => ({
  step: 'cleanup',
  title: 'Clean up',
  summary: '',
  actions,
  verify: [],
  warnings: ['Mind `this`.'],
});

describe('a plan in the runbook', () => {
  it('shows hosts running the same commands once, with each host’s own name dropped from the text', () => {
    const text = md(plan(['h2', 'h3'].map((h) => remote(h, ['systemctl', 'restart', 'tvault-contego']))));
    expect(text).toContain(
      '**On compute-1, compute-2 (as root):**\n\n```sh\n# Run systemctl\nsystemctl restart tvault-contego\n```',
    );
    expect(text).toContain('> Mind `this`.');
  });

  it('shows what a command reads on its standard input below it', () => {
    const text = md(
      plan([
        remote('h1', ['sh', '-c', 'cat > "$1"', 'w', '/x/ids.txt'], { stdin: 'a\nb\n' }),
        remote('h1', ['true']),
      ]),
    );
    expect(text).toContain(
      '```sh\n# Run sh on tvm-1\nsh -c \'cat > "$1"\' w /x/ids.txt\n```\n\nsent on its standard input:\n\n```text\na\nb\n```\n\n```sh\n# Run true on tvm-1\ntrue\n```',
    );
  });

  it('says where an action deletes data, right below its command', () => {
    const removal = {
      ...remote('h1', ['rm', '-rf', '--', '/x/workload_1']),
      destructive: 'the copy /x/workload_1',
    };
    expect(md(plan([removal]))).toContain(
      'rm -rf -- /x/workload_1\n```\n\n> **Deletes data:** the copy /x/workload\\_1. The wizard asks once before it runs.',
    );
  });

  it('shows a planner’s refusal with what to do', () => {
    const text = runbookMarkdown({
      title: 't',
      blocks: planBlocks(fail({ code: 'precondition', message: 'No `x`.', hint: 'Set `y`.' }), options),
    });
    expect(text).toBe('> **The wizard refuses this step:** No `x`. What to do: Set `y`.\n');
  });

  it('reads backticks in plan text as code', () => {
    expect(planText('a `b` c')).toEqual(['a ', { code: 'b' }, ' c']);
  });
});
