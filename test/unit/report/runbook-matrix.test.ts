import { describe, expect, it } from 'vitest';
import { esc } from '../../../shared/report/html-escape.js';
import { mountPathFor } from '../../../shared/nfs/mount-path.js';
import type { ExportEdit } from '../../../shared/plans/reconfigure-plan.js';
import type { Profile } from '../../../shared/profile/profile.js';
import {
  envRunbookHtml,
  envRunbookMarkdown,
  runbookSteps,
  type EnvRunbookInput,
} from '../../../shared/report/env-runbook.js';
import type { Action, ApiAction, ManualAction, RemoteAction } from '../../../shared/run/plan-types.js';
import type { RunKind } from '../../../shared/run/run-types.js';
import { displayCommand } from '../../../shared/shell/quote.js';
import { trilioInstallers, type TrilioInstaller } from '../../../shared/trilio/installer-facts.js';
import { trilioFactsOf } from '../../../shared/trilio/trilio-facts.js';
import { fencedBlocks, httpRequests, shCommands } from './support/runbook-blocks.js';
import { NFS, sampleProfile } from './support/sample-run.js';

/**
 * The acceptance check of the environment runbook (issue 17): for every installer × release, in both
 * scenarios, the runbook says exactly what the planners plan — every command, request and manual
 * action they produce is in it, byte for byte, and its `sh` and `http` blocks hold nothing else — and it
 * says where a change is not durable.
 */
const releases = ['4.1', '4.2', '5.2', '6.1', '6.2'] as const;
const meta = { generatedAt: '2025-03-14T08:00:00.000Z', appVersion: '0.1.0' };

function profileFor(installer: TrilioInstaller, release: string): Profile {
  const profile = sampleProfile();
  for (const side of ['source', 'target'] as const)
    profile.trilio[side] = { ...profile.trilio[side], installer, release };
  return profile;
}

const editOf = (a: RemoteAction) => (a as RemoteAction & { edit?: ExportEdit }).edit;

/** Every action the runbook's plans hold: actions and checks of every step, the optional ones too. */
function plannedActions(input: EnvRunbookInput): Action[] {
  return runbookSteps(input).flatMap((step) =>
    [step.plan, ...(step.optional ?? []).map((o) => o.plan)].flatMap((plan) =>
      plan.ok ? [...plan.value.actions, ...plan.value.verify] : [],
    ),
  );
}

const cases = trilioInstallers.flatMap((installer) =>
  releases.flatMap((release) =>
    (['single', 'full'] as RunKind[]).map((kind) => ({ installer, release, kind })),
  ),
);

describe.each(cases)('runbook for $installer, Trilio $release, $kind DR', ({ installer, release, kind }) => {
  const input: EnvRunbookInput = { profile: profileFor(installer, release), kind, meta };
  const md = envRunbookMarkdown(input);
  const blocks = fencedBlocks(md);
  const commands = blocks.filter((b) => b.lang === 'sh').flatMap((b) => shCommands(b.text));
  const requests = blocks.filter((b) => b.lang === 'http').flatMap((b) => httpRequests(b.text));
  const actions = plannedActions(input);
  const remote = actions.filter((a): a is RemoteAction => a.kind === 'remote');
  const api = actions.filter((a): a is ApiAction => a.kind === 'api');
  const manual = actions.filter((a): a is ManualAction => a.kind === 'manual');

  it('has every planned command, request and manual action, exactly', () => {
    expect(remote.length + api.length).toBeGreaterThan(kind === 'single' ? 10 : 12);
    for (const a of remote) {
      const edit = editOf(a);
      if (edit) {
        // A config edit is not a command: the runbook names the file, the share and what changes.
        expect(md).toContain(edit.file.replaceAll('_', '\\_'));
        expect(md).toContain(a.description.replaceAll('_', '\\_'));
        continue;
      }
      expect(commands, a.description).toContainEqual(a.argv);
      expect(md).toContain(displayCommand(a.argv));
      if (a.stdin !== undefined) expect(blocks).toContainEqual({ lang: 'text', text: a.stdin });
    }
    for (const a of api)
      expect(requests, a.description).toContainEqual({
        method: a.method,
        path: a.path,
        ...(a.body !== undefined ? { body: a.body } : {}),
      });
    for (const a of manual) expect(blocks).toContainEqual({ lang: 'text', text: a.instructions });
  });

  it('has no command or request the plans do not hold', () => {
    for (const argv of commands)
      expect(
        remote.some((a) => JSON.stringify(a.argv) === JSON.stringify(argv)),
        displayCommand(argv),
      ).toBe(true);
    for (const r of requests)
      expect(
        api.some((a) => a.method === r.method && a.path === r.path),
        `${r.method} ${r.path}`,
      ).toBe(true);
    // Every block is of a known kind: nothing slips past the checks as unlabelled text.
    for (const b of blocks) expect(['sh', 'http', 'diff', 'text']).toContain(b.lang);
  });

  it('uses the installer’s paths, restarts and owner', () => {
    const target = trilioFactsOf(input.profile.trilio, 'target');
    const source = trilioFactsOf(input.profile.trilio, 'source');
    const a1 = mountPathFor(NFS.A1, source.mountRoot, source.folderForm);
    const live = mountPathFor(kind === 'single' ? NFS.B1 : NFS.B2, target.mountRoot, target.folderForm);
    if (a1 !== live) expect(commands).toContainEqual(['mkdir', '-p', '--', a1]);
    if (kind === 'single')
      expect(commands).toContainEqual(['chown', '-R', '--', target.owner, expect.stringContaining(live)]);
    if (kind === 'full' && target.configModel !== 'managed' && target.editsFiles) {
      expect(commands).toContainEqual(target.restartAppliance);
      expect(commands).toContainEqual(target.restartDatamover);
    }
  });

  if (kind === 'full' && release === '6.2')
    it('says why the wizard does not reconfigure a 6.2 Trilio, and what to do', () => {
      expect(md).toContain('The wizard refuses this step');
      expect(md).toContain('manages its backup targets through its own backup-target service');
      expect(remote.some((a) => editOf(a))).toBe(false);
    });

  if (kind === 'full' && release !== '6.2')
    it('says where the configuration change is not durable', () => {
      const durable: Record<TrilioInstaller, string[]> = {
        packages: [],
        kolla: [
          '/etc/kolla/globals.yml',
          '`triliovault_nfs_shares`',
          '`kolla-ansible reconfigure -t triliovault`',
        ],
        rhosp: ['`NfsShares`', 'trilio\\_env.yaml'],
        'openstack-ansible': ['`NFS_SHARES`', '/etc/openstack\\_deploy'],
        juju: ['`nfs-shares`', '`juju config`'],
      };
      if (installer === 'packages') expect(md).not.toContain('Not durable');
      else expect(md).toContain('> Not durable: ');
      for (const words of durable[installer]) expect(md).toContain(words);
    });

  it('shows the same code in the HTML document', () => {
    const html = envRunbookHtml(input);
    for (const b of blocks) expect(html).toContain(`<pre class="${b.lang}">${esc(b.text)}</pre>`);
  });
});
