import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshConnection } from '../../../electron/core/ssh/connection.js';
import { runCommand } from '../../../electron/core/ssh/exec.js';
import {
  appendLineIfAbsent,
  readRemoteFile,
  writeRemoteFile,
} from '../../../electron/core/ssh/remote-files.js';
import type { SshPool } from '../../../electron/core/ssh/pool.js';
import { LogCollector, startRemoteWorld, type RemoteWorld, type Role } from './support/remote-world.js';

let world: RemoteWorld;
let pool: SshPool;
let dir: string;
beforeAll(async () => {
  world = await startRemoteWorld();
  pool = world.pool();
});
afterAll(async () => {
  if (dir) await sh('key', 'rm -rf -- "$1"', dir);
  await pool?.closeAll();
  await world?.stop();
});

async function conn(role: Role): Promise<SshConnection> {
  const c = await pool.get(role);
  if (!c.ok) throw new Error(c.error.message);
  return c.value;
}

async function sh(role: Role, script: string, ...args: string[]): Promise<string> {
  const log = new LogCollector();
  const r = await runCommand(await conn(role), { argv: ['sh', '-c', script, 'sh', ...args] }, log.ctx());
  if (!r.ok) throw new Error(`${r.error.message}\n${r.error.output}`);
  return r.value.stdout;
}

describe('remote files', () => {
  beforeAll(async () => {
    dir = (await sh('key', 'mktemp -d /tmp/trilio-files-XXXXXX')).trim();
  });

  it('reads a file, and says when it does not exist', async () => {
    const log = new LogCollector();
    await sh('key', 'printf "a = 1\\npassword = s3cret\\n" > "$1"', `${dir}/read.conf`);
    const r = await readRemoteFile(await conn('key'), `${dir}/read.conf`, log.ctx());
    expect(r).toEqual({ ok: true, value: { exists: true, content: 'a = 1\npassword = s3cret\n' } });
    expect(log.records.map((x) => x.text).join('\n')).not.toContain('s3cret');
    const missing = await readRemoteFile(await conn('key'), `${dir}/nope.conf`, log.ctx());
    expect(missing).toEqual({ ok: true, value: { exists: false, content: '' } });
    expect(await readRemoteFile(await conn('key'), 'relative/path', log.ctx())).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
  });

  it('writes atomically, keeping mode, owner and a backup of the old content', async () => {
    const log = new LogCollector();
    const file = `${dir}/workloadmgr.conf`;
    await sh('key', 'printf "old content\\n" > "$1"; chmod 640 "$1"; chown 4901:4902 "$1"', file);
    const content = "new content with 'quotes' and $(not run)\n";
    const r = await writeRemoteFile(await conn('key'), file, content, log.ctx(), {
      now: new Date('2025-03-04T05:06:07Z'),
    });
    expect(r).toEqual({
      ok: true,
      value: { changed: true, backupPath: `${file}.trilio-dr.20250304T050607Z.bak` },
    });
    expect(await sh('key', 'cat "$1"', file)).toBe(content);
    expect(await sh('key', 'stat -c "%a %u %g" "$1"', file)).toBe('640 4901 4902\n');
    expect(await sh('key', 'cat "$1.trilio-dr.20250304T050607Z.bak"', file)).toBe('old content\n');
    expect(await sh('key', 'stat -c "%a %u %g" "$1.trilio-dr.20250304T050607Z.bak"', file)).toBe(
      '640 4901 4902\n',
    );
    expect(await sh('key', 'ls -A "$1" | grep -c "^\\.trilio-dr\\." || true', dir)).toBe('0\n'); // no temp left behind
    expect(log.records.map((x) => x.text).join('\n')).not.toContain('new content'); // content goes on stdin

    // Same content again: nothing changes, no second backup.
    const again = await writeRemoteFile(await conn('key'), file, content, log.ctx(), {
      now: new Date('2025-03-04T05:06:08Z'),
    });
    expect(again).toEqual({ ok: true, value: { changed: false } });
    // A second change within the same second still gets its own backup.
    const third = await writeRemoteFile(await conn('key'), file, 'third\n', log.ctx(), {
      now: new Date('2025-03-04T05:06:07Z'),
    });
    expect(third).toEqual({
      ok: true,
      value: { changed: true, backupPath: `${file}.trilio-dr.20250304T050607Z-1.bak` },
    });
  });

  it('creates a missing file with the requested mode and no backup', async () => {
    const log = new LogCollector();
    const file = `${dir}/new file.conf`;
    const r = await writeRemoteFile(await conn('key'), file, 'x=1\n', log.ctx(), { mode: '600' });
    expect(r).toEqual({ ok: true, value: { changed: true } });
    expect(await sh('key', 'stat -c %a "$1"; cat "$1"', file)).toBe('600\nx=1\n');
  });

  it('writes through a symlink without replacing the link', async () => {
    const log = new LogCollector();
    await sh('key', 'printf "real\\n" > "$1/real.conf"; ln -s "$1/real.conf" "$1/link.conf"', dir);
    const r = await writeRemoteFile(await conn('key'), `${dir}/link.conf`, 'via link\n', log.ctx());
    expect(r.ok).toBe(true);
    expect(await sh('key', 'readlink "$1/link.conf"; cat "$1/real.conf"', dir)).toBe(
      `${dir}/real.conf\nvia link\n`,
    );
  });

  it('appends a line only if absent: twice adds it once', async () => {
    const log = new LogCollector();
    const file = `${dir}/fstab`;
    await sh('key', 'printf "proc /proc proc defaults 0 0" > "$1"', file); // no final newline
    const line = '/var/triliovault-mounts/MTAuMTAuMi4yMDovdXBzdHJlYW0= /var/trilio bind defaults,bind 0 0';
    const first = await appendLineIfAbsent(await conn('key'), file, line, log.ctx());
    expect(first.ok && first.value.changed).toBe(true);
    expect(first.ok && first.value.backupPath).toMatch(/fstab\.trilio-dr\.\d{8}T\d{6}Z\.bak$/);
    const second = await appendLineIfAbsent(await conn('key'), file, line, log.ctx());
    expect(second).toEqual({ ok: true, value: { changed: false } });
    expect(await sh('key', 'cat "$1"', file)).toBe(`proc /proc proc defaults 0 0\n${line}\n`);
    // A line that is only a prefix or a regex match of an existing one is still added.
    const partial = await appendLineIfAbsent(await conn('key'), file, 'proc /proc', log.ctx());
    expect(partial.ok && partial.value.changed).toBe(true);
    const dots = await appendLineIfAbsent(await conn('key'), file, 'proc./proc.proc.defaults.0.0', log.ctx());
    expect(dots.ok && dots.value.changed).toBe(true);
    expect(await appendLineIfAbsent(await conn('key'), file, 'a\nb', log.ctx())).toMatchObject({
      ok: false,
      error: { code: 'invalid-argument' },
    });
  });

  it('works on a sudo host (files owned by root)', async () => {
    const log = new LogCollector();
    const c = await conn('sudo');
    const file = `${dir}/sudo.conf`;
    await sh('key', 'printf "a\\n" > "$1"; chmod 600 "$1"', file);
    const w = await appendLineIfAbsent(c, file, 'b', log.ctx());
    expect(w.ok && w.value.changed).toBe(true);
    const r = await readRemoteFile(c, file, log.ctx());
    expect(r).toEqual({ ok: true, value: { exists: true, content: 'a\nb\n' } });
    expect(await sh('key', 'stat -c "%a %U" "$1"', file)).toBe('600 root\n');
  });
});
