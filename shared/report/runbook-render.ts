import type { ExportEdit } from '../plans/reconfigure-plan.js';
import type { AppError, Result } from '../result.js';
import type { Action, ApiAction, ManualAction, RemoteAction, StepPlan } from '../run/plan-types.js';
import { displayCommand } from '../shell/quote.js';
import { editedLines } from './runbook-config.js';
import type { Block, Inline } from './runbook-doc.js';

/**
 * A step's plan as the runbook shows it: every remote command exactly as the wizard runs it (the
 * quoted argument list), grouped by the hosts that run the same commands; every API request with its
 * method, path and body; every manual action's instructions; the warnings; and what records an undo.
 * Nothing here writes a command of its own: the text of every `sh` and `http` block comes from a plan.
 */
export interface RenderOptions {
  hostName: (id: string) => string;
  /** The config file of a host before the DR, to show the lines an edit changes (undefined: not shown). */
  configBefore: (host: string, file: string) => string | undefined;
}

const editOf = (a: RemoteAction): ExportEdit | undefined => (a as RemoteAction & { edit?: ExportEdit }).edit;

const oneLine = (text: string) => text.replace(/\s*\n\s*/g, ' ');

/** The hosts' names, in the profile's words. */
function hostsText(hosts: readonly string[], o: RenderOptions): string {
  return hosts.map(o.hostName).join(', ');
}

/** A description written for one host, read for each host of a group (its "on <host>" dropped). */
function forGroup(description: string, hosts: readonly string[], o: RenderOptions): string {
  if (hosts.length < 2) return description;
  return description.replaceAll(` on ${o.hostName(hosts[0]!)}`, '');
}

function remoteBlocks(actions: readonly RemoteAction[], o: RenderOptions): Block[] {
  const byHost = new Map<string, RemoteAction[]>();
  for (const a of actions) byHost.set(a.host, [...(byHost.get(a.host) ?? []), a]);
  // Hosts that run the same commands in the same order are shown once.
  const groups = new Map<string, { hosts: string[]; actions: RemoteAction[] }>();
  for (const [host, list] of byHost) {
    const key = JSON.stringify(list.map((a) => [editOf(a) ?? a.argv, a.privileged, a.stdin]));
    const group = groups.get(key) ?? { hosts: [], actions: list };
    group.hosts.push(host);
    groups.set(key, group);
  }
  const blocks: Block[] = [];
  for (const { hosts, actions: list } of groups.values()) {
    const root = list.some((a) => a.privileged) ? ' (as root)' : '';
    blocks.push({ kind: 'para', parts: [{ b: `On ${hostsText(hosts, o)}${root}:` }] });
    let commands: string[] = [];
    const flush = () => {
      if (commands.length > 0) blocks.push({ kind: 'code', lang: 'sh', text: commands.join('\n') });
      commands = [];
    };
    for (const a of list) {
      const edit = editOf(a);
      if (!edit) {
        commands.push(`# ${oneLine(forGroup(a.description, hosts, o))}`, displayCommand(a.argv));
        // An action that deletes data says so where it is: the wizard asks once before the step runs.
        const deletes = (a as RemoteAction & { destructive?: string }).destructive;
        if (deletes) {
          flush();
          blocks.push({
            kind: 'note',
            parts: [{ b: 'Deletes data:' }, ` ${deletes}. The wizard asks once before it runs.`],
          });
        }
        // What the command reads on its standard input (a file's content), right below it.
        if (a.stdin !== undefined) {
          flush();
          blocks.push({ kind: 'code', lang: 'text', caption: 'sent on its standard input:', text: a.stdin });
        }
        continue;
      }
      flush();
      blocks.push({ kind: 'para', parts: [forGroup(a.description, hosts, o)] });
      const before = o.configBefore(a.host, edit.file);
      const lines = before === undefined ? null : editedLines(before, edit);
      if (lines)
        blocks.push({
          kind: 'code',
          lang: 'diff',
          caption: `${edit.file}, the lines the edit changes:`,
          text: lines,
        });
    }
    flush();
  }
  return blocks;
}

const services: Record<ApiAction['service'], string> = {
  identity: 'Keystone of cloud B (identity API)',
  network: 'Neutron of cloud B (network API)',
  compute: 'Nova of cloud B (compute API)',
  volumev3: 'Cinder of cloud B (volume API)',
  workloads: 'Trilio B (workloads API)',
};

/** One request as the wizard sends it: a comment saying what it does, method and path, the JSON body. */
export function requestText(a: ApiAction): string {
  const body = a.body === undefined ? '' : `\n${JSON.stringify(a.body, null, 2)}`;
  return `# ${oneLine(a.description)}\n${a.method} ${a.path}${body}`;
}

function apiBlocks(actions: readonly ApiAction[]): Block[] {
  const blocks: Block[] = [];
  let service: ApiAction['service'] | undefined;
  let requests: string[] = [];
  const flush = () => {
    if (service && requests.length > 0)
      blocks.push(
        {
          kind: 'para',
          parts: [
            { b: `${services[service]}:` },
            ' paths are relative to the endpoint in the Keystone catalog.',
          ],
        },
        { kind: 'code', lang: 'http', text: requests.join('\n\n') },
      );
    requests = [];
  };
  for (const a of actions) {
    if (a.service !== service) flush();
    service = a.service;
    requests.push(requestText(a));
  }
  flush();
  return blocks;
}

function manualBlocks(a: ManualAction): Block[] {
  return [
    {
      kind: 'para',
      parts: [{ b: `By hand (${a.target}):` }, ` ${a.description}. The wizard waits for you to confirm.`],
    },
    { kind: 'code', lang: 'text', text: a.instructions },
  ];
}

/** Actions in plan order, consecutive ones of a kind together. */
export function actionBlocks(actions: readonly Action[], o: RenderOptions): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < actions.length) {
    const kind = actions[i]!.kind;
    let j = i;
    while (j < actions.length && actions[j]!.kind === kind) j++;
    const run = actions.slice(i, j);
    if (kind === 'remote') blocks.push(...remoteBlocks(run as RemoteAction[], o));
    else if (kind === 'api') blocks.push(...apiBlocks(run as ApiAction[]));
    else for (const a of run as ManualAction[]) blocks.push(...manualBlocks(a));
    i = j;
  }
  return blocks;
}

/** What an action does, without the host it runs on: hosts doing the same are listed together. */
function shapeOf(a: Action): string {
  if (a.kind === 'remote') return JSON.stringify(editOf(a) ?? a.argv);
  if (a.kind === 'api') return `${a.method} ${a.path}`;
  return a.instructions;
}

/** Each change the step records, with how it is undone (grouped over the hosts that do the same). */
function undoItems(actions: readonly Action[], o: RenderOptions): Inline[][] {
  const items = new Map<string, { hosts: string[]; description: string; undo: string }>();
  for (const a of actions) {
    if (a.kind === 'manual' || !a.change || a.change.undo.length === 0) continue;
    const host = a.kind === 'remote' ? a.host : '';
    const key = JSON.stringify([a.change.kind, shapeOf(a), a.change.undo.map(shapeOf)]);
    const item = items.get(key) ?? {
      hosts: [],
      description: a.description,
      undo: a.change.undo.map((u) => u.description).join('; then '),
    };
    if (host) item.hosts.push(host);
    items.set(key, item);
  }
  return [...items.values()].map((i) => [
    forGroup(i.description, i.hosts, o),
    i.hosts.length > 0 ? ` (${hostsText(i.hosts, o)})` : '',
    ': ',
    { b: 'undo' },
    ` ${forGroup(i.undo, i.hosts, o)}.`,
  ]);
}

/** Plan text marks names with backticks (Markdown style): shown as code, the rest as text. */
export function planText(text: string): Inline[] {
  return text
    .split(/`([^`]+)`/)
    .flatMap((part, i): Inline[] => (part === '' ? [] : i % 2 === 1 ? [{ code: part }] : [part]));
}

/** A planner's refusal: what stops the step as the environment stands, and what to do. */
export function refusalBlocks(error: AppError): Block[] {
  return [
    {
      kind: 'note',
      parts: [
        { b: 'The wizard refuses this step:' },
        ' ',
        ...planText(error.message),
        ...(error.hint ? [' What to do: ', ...planText(error.hint)] : []),
      ],
    },
  ];
}

/** A step's plan (or refusal) as runbook blocks. */
export function planBlocks(plan: Result<StepPlan>, o: RenderOptions): Block[] {
  if (!plan.ok) return refusalBlocks(plan.error);
  const { actions, verify, warnings } = plan.value;
  const blocks: Block[] = warnings.map((w) => ({ kind: 'note', parts: planText(w) }));
  if (actions.length === 0)
    blocks.push({ kind: 'para', parts: ['Nothing to change: the wizard only reads and checks here.'] });
  blocks.push(...actionBlocks(actions, o));
  if (verify.length > 0)
    blocks.push({ kind: 'para', parts: ['Then the wizard checks:'] }, ...actionBlocks(verify, o));
  const undo = undoItems(actions, o);
  if (undo.length > 0)
    blocks.push(
      { kind: 'para', parts: ['Each change is recorded with how it is undone (by Revert or Clean up):'] },
      { kind: 'list', items: undo },
    );
  return blocks;
}
