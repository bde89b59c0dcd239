import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SshConnection } from '../../../electron/core/ssh/connection.js';
import { runCommand } from '../../../electron/core/ssh/exec.js';
import type { SshPool } from '../../../electron/core/ssh/pool.js';
import { LogCollector, startRemoteWorld, type RemoteWorld, type Role } from './support/remote-world.js';

let world: RemoteWorld;
let pool: SshPool;
beforeAll(async () => {
  world = await startRemoteWorld();
  pool = world.pool();
});
afterAll(async () => {
  await pool?.closeAll();
  await world?.stop();
});

async function conn(role: Role): Promise<SshConnection> {
  const c = await pool.get(role);
  if (!c.ok) throw new Error(c.error.message);
  return c.value;
}

/** A unique sleep duration, so pgrep finds exactly the processes of one test. */
const uniqueSleep = () => `30${Math.floor(Math.random() * 9)}.${Date.now() % 100000}`;

/** Processes on `role` whose command line is `sleep <seconds>`, seen over another channel. */
async function sleepers(role: Role, seconds: string): Promise<string[]> {
  const log = new LogCollector();
  // The bracket keeps pgrep's own command line (and the shell around it) from matching.
  const pattern = `^sleep ${seconds[0]}[${seconds[1]}]${seconds.slice(2).replace('.', '\\.')}$`;
  const r = await runCommand(
    await conn(role),
    { argv: ['pgrep', '-f', pattern], okExitCodes: [0, 1] },
    log.ctx(),
  );
  if (!r.ok) throw new Error(r.error.message);
  return r.value.stdout.split('\n').filter(Boolean);
}

describe('running commands', () => {
  it('streams stdout and stderr line by line, apart, tagged with run, step and host', async () => {
    const log = new LogCollector();
    const r = await runCommand(
      await conn('key'),
      { argv: ['sh', '-c', 'echo out1; echo err1 >&2; printf "out2\\nno-newline"; echo "err2" >&2; exit 0'] },
      log.ctx('mount-paths'),
    );
    expect(r.ok).toBe(true);
    const host = world.targets.key.name;
    expect(log.lines(host, 'stdout')).toEqual(['out1', 'out2', 'no-newline']);
    expect(log.lines(host, 'stderr')).toEqual(['err1', 'err2']);
    expect(log.records.every((x) => x.runId === 'run-1' && x.step === 'mount-paths' && x.host === host)).toBe(
      true,
    );
    const command = log.lines(host, 'command');
    expect(command).toEqual([
      `sh -c 'echo out1; echo err1 >&2; printf "out2\\nno-newline"; echo "err2" >&2; exit 0'`,
    ]);
    expect(log.records[0]?.stream).toBe('command'); // logged before it runs
    expect(log.lines(host, 'info').at(-1)).toMatch(/^exit 0 after \d+ ms$/);
    if (r.ok) {
      expect(r.value.exitCode).toBe(0);
      expect(r.value.stdout).toBe('out1\nout2\nno-newline');
      expect(r.value.durationMs).toBeGreaterThanOrEqual(0);
    }
  });

  it('runs a command on three hosts in parallel, each line tagged with its own host', async () => {
    const log = new LogCollector();
    const hosts: Role[] = ['c1', 'c2', 'c3'];
    const started = Date.now();
    const results = await Promise.all(
      hosts.map(async (h) =>
        runCommand(
          await conn(h),
          {
            argv: [
              'sh',
              '-c',
              'hostname -I >/dev/null; echo "on $1"; sleep 0.5; echo "warn $1" >&2',
              'sh',
              world.targets[h].name,
            ],
          },
          log.ctx(),
        ),
      ),
    );
    expect(Date.now() - started).toBeLessThan(1400); // three 0.5 s commands, not one after another
    expect(results.every((r) => r.ok)).toBe(true);
    for (const h of hosts) {
      const name = world.targets[h].name;
      expect(log.lines(name, 'stdout')).toEqual([`on ${name}`]);
      expect(log.lines(name, 'stderr')).toEqual([`warn ${name}`]);
    }
  });

  it('turns a failing exit code into ssh-command with the output tail and exit code', async () => {
    const log = new LogCollector();
    const r = await runCommand(
      await conn('key'),
      { argv: ['sh', '-c', 'echo "no such share" >&2; exit 3'] },
      log.ctx(),
    );
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'ssh-command', exitCode: 3, output: 'no such share', host: world.targets.key.name },
    });
    if (!r.ok) expect(r.error.command).toContain("sh -c 'echo");
    const accepted = await runCommand(
      await conn('key'),
      { argv: ['sh', '-c', 'exit 3'], okExitCodes: [0, 3] },
      log.ctx(),
    );
    expect(accepted).toMatchObject({ ok: true, value: { exitCode: 3 } });
  });

  it('refuses an argument with NUL before running anything', async () => {
    const log = new LogCollector();
    const r = await runCommand(await conn('key'), { argv: ['echo', 'a\0b'] }, log.ctx());
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
    expect(log.records).toHaveLength(0);
  });

  it('scrubs every logged line and keeps quiet stdout out of the log', async () => {
    const log = new LogCollector();
    const scrub = (t: string) => t.replaceAll('hunter2', '***');
    const r = await runCommand(
      await conn('key'),
      { argv: ['sh', '-c', 'echo password=hunter2; echo hunter2 >&2'] },
      log.ctx('x', { scrub }),
    );
    expect(r.ok).toBe(true);
    expect(log.records.map((x) => x.text).join('\n')).not.toContain('hunter2');
    const quiet = new LogCollector();
    const q = await runCommand(
      await conn('key'),
      { argv: ['printf', '%s-%s\\n', 'secret', 'content'], quietStdout: true },
      quiet.ctx(),
    );
    expect(q).toMatchObject({ ok: true, value: { stdout: 'secret-content\n' } });
    expect(quiet.records.map((x) => x.text).join('\n')).not.toContain('secret-content');
  });
});

describe('stopping commands', () => {
  it('cancellation kills the remote command and its children', async () => {
    const s = uniqueSleep();
    const log = new LogCollector();
    const controller = new AbortController();
    const sink = (r: Parameters<typeof log.sink>[0]) => {
      log.sink(r);
      if (r.stream === 'stdout' && r.text === 'started') controller.abort();
    };
    const started = Date.now();
    const r = await runCommand(
      await conn('key'),
      { argv: ['sh', '-c', 'sleep "$1" & sleep "$1" & echo started; wait', 'sh', s] },
      { runId: 'run-1', step: 'x', sink, signal: controller.signal },
    );
    expect(r).toMatchObject({ ok: false, error: { code: 'cancelled', host: world.targets.key.name } });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await sleepers('key', s)).toEqual([]);
  });

  it('cancellation also stops a command running under sudo as root', async () => {
    const s = uniqueSleep();
    const controller = new AbortController();
    const log = new LogCollector();
    const sink = (r: Parameters<typeof log.sink>[0]) => {
      log.sink(r);
      if (r.stream === 'stdout' && r.text === 'started') controller.abort();
    };
    const r = await runCommand(
      await conn('sudo'),
      { argv: ['sh', '-c', 'sleep "$1" & echo started; wait', 'sh', s] },
      { runId: 'run-1', step: 'x', sink, signal: controller.signal },
    );
    expect(r).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(await sleepers('sudo', s)).toEqual([]);
  });

  it('a command over its timeout is stopped and reported as ssh-timeout', async () => {
    const s = uniqueSleep();
    const log = new LogCollector();
    const started = Date.now();
    const r = await runCommand(await conn('key'), { argv: ['sleep', s] }, log.ctx('x', { timeoutMs: 500 }));
    expect(r).toMatchObject({ ok: false, error: { code: 'ssh-timeout', command: `sleep ${s}` } });
    expect(Date.now() - started).toBeLessThan(4000);
    expect(await sleepers('key', s)).toEqual([]);
  });

  it('an already-cancelled signal runs nothing', async () => {
    const log = new LogCollector();
    const controller = new AbortController();
    controller.abort();
    const r = await runCommand(
      await conn('key'),
      { argv: ['true'] },
      log.ctx('x', { signal: controller.signal }),
    );
    expect(r).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(log.records).toHaveLength(0);
  });
});

describe('connection reuse', () => {
  it('runs many commands, more than sshd allows at once, over one connection', async () => {
    const fresh = world.pool();
    try {
      const log = new LogCollector();
      // $PPID of the login shell is the sshd process serving this one connection.
      const results = await Promise.all(
        Array.from({ length: 25 }, async () => {
          const c = await fresh.get('c1');
          if (!c.ok) throw new Error(c.error.message);
          return runCommand(
            c.value,
            { argv: ['sh', '-c', 'sleep 0.1; echo $PPID'], privileged: false },
            log.ctx(),
          );
        }),
      );
      const parents = new Set(
        results.map((r) => (r.ok ? r.value.stdout.trim() : `error: ${r.error.message}`)),
      );
      expect([...parents]).toEqual([[...parents][0]]);
      expect([...parents][0]).toMatch(/^\d+$/);
      expect(fresh.handshakeCount('c1')).toBe(1);

      // A second pool is a second connection: the check above can tell them apart.
      const other = world.pool();
      const c = await other.get('c1');
      if (!c.ok) throw new Error(c.error.message);
      const r = await runCommand(c.value, { argv: ['sh', '-c', 'echo $PPID'] }, log.ctx());
      expect(r.ok && r.value.stdout.trim()).not.toBe([...parents][0]);
      await other.closeAll();
    } finally {
      await fresh.closeAll();
    }
  });

  it('reconnects after the connection was closed', async () => {
    const fresh = world.pool();
    const first = await fresh.get('c2');
    if (!first.ok) throw new Error(first.error.message);
    first.value.close();
    const second = await fresh.get('c2');
    expect(second.ok).toBe(true);
    if (second.ok) expect(second.value).not.toBe(first.value);
    expect(fresh.handshakeCount('c2')).toBe(2);
    await fresh.closeAll();
  });
});
