import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBrowserMode } from '../../e2e/support/browser-mode.js';

/**
 * The headless CLI as an admin runs it: the built `trilio-dr` binary, a temp data folder, the
 * passphrase in the environment. Profiles imported here are read back by `list`, `show`, `export`.
 */
const root = fileURLToPath(new URL('../../../', import.meta.url));
const cli = join(root, 'out', 'electron', 'cli', 'main.js');
const PASS = 'cli test passphrase';
const HOST_PW = 'cli-Host-pw-$(reboot)-`id`';
const CLOUD_PW = 'cli-cloud-pw-S3CRET';

let dir: string;

function run(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [cli, '--data-dir', join(dir, 'data'), ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: dir, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

const profileFile = (name: string, replace = false) =>
  JSON.stringify({
    format: 'trilio-dr-profile',
    version: 1,
    replace,
    profile: {
      name,
      clouds: {
        source: { authUrl: 'http://127.0.0.1:5000/v3', region: 'RegionA', username: 'admin' },
        target: { authUrl: 'http://127.0.0.1:5000/v3', region: 'RegionB', username: 'admin' },
      },
      hosts: [{ id: 'tvm-1', name: 'tvm-1', role: 'tvm', address: '127.0.0.11', auth: 'password' }],
      nfs: { source: '10.10.2.20:/upstream_source', target: '10.20.3.22:/t', syncedCopy: '10.20.3.23:/s' },
    },
    secrets: { 'hosts.tvm-1.password': HOST_PW, 'clouds.target.password': CLOUD_PW },
    knownHosts: [],
  });

beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first.`);
  dir = await mkdtemp(join(tmpdir(), 'trilio-dr-cli-'));
  await writeFile(join(dir, 'lab.json'), profileFile('Lab A to B'));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('trilio-dr profile', () => {
  it('refuses to import secrets while the store is locked, saying how to unlock it', async () => {
    const locked = await run(['profile', 'import', join(dir, 'lab.json')]);
    expect(locked.code).toBe(3); // precondition: nothing was done (docs/cli.md)
    expect(locked.stderr).toContain('The secret store is locked.');
    expect(locked.stderr).toContain('TRILIO_DR_PASSPHRASE');
  });

  it('imports, lists and shows a profile, secrets only as "set"', async () => {
    const imported = await run(['profile', 'import', join(dir, 'lab.json')], { TRILIO_DR_PASSPHRASE: PASS });
    expect(imported.stderr).toBe('');
    expect(imported.stdout).toMatch(/Imported profile "Lab A to B"/);
    expect(imported.code).toBe(0);

    const listed = await run(['profile', 'list', '--json']);
    expect(listed.code).toBe(0);
    const value = (JSON.parse(listed.stdout) as { value: { name: string; hostCount: number }[] }).value;
    expect(value).toMatchObject([{ name: 'Lab A to B', hostCount: 1 }]);
    expect((await run(['profile', 'list'])).stdout).toMatch(
      /^ID\s+NAME\s+HOSTS\s+UPDATED\n\S+\s+Lab A to B\s+1/,
    );

    const shown = await run(['profile', 'show', 'Lab A to B', '--json']);
    const profile = (JSON.parse(shown.stdout) as { value: Record<string, unknown> }).value;
    expect(profile).toMatchObject({ hosts: [{ password: 'set' }], clouds: { target: { password: 'set' } } });
    expect(shown.stdout).not.toContain(HOST_PW);
  });

  it('exports without secrets, and a second import of the same name is refused unless it says replace', async () => {
    const out = join(dir, 'export.json');
    const exported = await run(['profile', 'export', 'Lab A to B', '--out', out]);
    expect(exported.code).toBe(0);
    const text = await readFile(out, 'utf8');
    expect(JSON.parse(text)).toMatchObject({
      format: 'trilio-dr-profile',
      version: 1,
      profile: { name: 'Lab A to B' },
    });
    for (const secret of [HOST_PW, CLOUD_PW]) expect(text).not.toContain(secret);

    const again = await run(['profile', 'import', join(dir, 'lab.json')], { TRILIO_DR_PASSPHRASE: PASS });
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('already exists');
    await writeFile(join(dir, 'replace.json'), profileFile('Lab A to B', true));
    const replaced = await run(['profile', 'import', join(dir, 'replace.json')], {
      TRILIO_DR_PASSPHRASE: PASS,
    });
    expect(replaced.code).toBe(0);
    expect(JSON.parse((await run(['profile', 'list', '--json'])).stdout).value).toHaveLength(1);
  });

  it('writes the environment runbook for the profile, with its base64 mount paths and no secret', async () => {
    const out = join(dir, 'runbook.md');
    const written = await run(['runbook', '--profile', 'Lab A to B', '--kind', 'full', '--out', out]);
    expect(written.code, written.stderr).toBe(0);
    const text = await readFile(out, 'utf8');
    expect(text).toContain(Buffer.from('10.20.3.23:/s').toString('base64'));
    expect(text).toContain('vault_storage_nfs_export');
    for (const secret of [HOST_PW, CLOUD_PW]) expect(text).not.toContain(secret);
  });

  it('refuses a wrong passphrase before touching anything', async () => {
    const wrong = await run(['profile', 'list'], { TRILIO_DR_PASSPHRASE: 'not it' });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('Wrong passphrase');
  });

  it('refuses to open a data folder another instance is using', async () => {
    const server = await startBrowserMode({ dataDir: join(dir, 'data'), passphrase: PASS });
    try {
      const second = await run(['profile', 'list']);
      expect(second.code).toBe(3);
      expect(second.stderr).toMatch(/another Trilio DR Wizard|in use|pid \d+/i);
    } finally {
      await server.stop();
    }
    expect((await run(['profile', 'list'])).code).toBe(0);
  });
});
