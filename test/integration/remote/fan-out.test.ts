import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../../electron/core/ssh/exec.js';
import { fanOut, retryFailed, type HostTask } from '../../../electron/core/ssh/fan-out.js';
import { LogCollector, startRemoteWorld, type RemoteWorld } from './support/remote-world.js';

let world: RemoteWorld;
beforeAll(async () => {
  world = await startRemoteWorld();
});
afterAll(async () => {
  await world?.stop();
});

describe('fan-out over hosts', () => {
  it('a host that is down reports its connect error while the others complete; retry touches only it', async () => {
    const pool = world.pool({ connectTimeoutSec: 3 });
    const log = new LogCollector();
    const commandsPerHost = new Map<string, number>();
    const task: HostTask<string> = async (hostId, signal) => {
      const conn = await pool.get(hostId);
      if (!conn.ok) return conn;
      commandsPerHost.set(hostId, (commandsPerHost.get(hostId) ?? 0) + 1);
      const r = await runCommand(
        conn.value,
        { argv: ['sh', '-c', 'echo "ok from $1"', 'sh', hostId] },
        log.ctx('fan', signal ? { signal } : {}),
      );
      return r.ok ? { ok: true, value: r.value.stdout.trim() } : r;
    };
    try {
      const hosts = ['c1', 'down', 'c2', 'c3'];
      const first = await fanOut(hosts, task, { concurrency: 3 });
      expect(first.map((o) => o.host)).toEqual(hosts);
      expect(first.filter((o) => o.ok).map((o) => o.ok && o.value)).toEqual([
        'ok from c1',
        'ok from c2',
        'ok from c3',
      ]);
      const down = first[1];
      expect(down?.ok).toBe(false);
      if (down && !down.ok) {
        expect(down.error.code).toBe('ssh-connect');
        expect(down.error.host).toBe(world.targets.down.name);
        expect(down.error.message).toContain(world.targets.down.address);
        expect(down.error.hint).toBeTruthy();
      }
      expect(Object.fromEntries(commandsPerHost)).toEqual({ c1: 1, c2: 1, c3: 1 });

      const second = await retryFailed(first, task, { concurrency: 3 });
      expect(second.map((o) => o.host)).toEqual(hosts);
      expect(second[0]).toBe(first[0]); // untouched
      expect(second[1]?.ok).toBe(false); // still down
      expect(Object.fromEntries(commandsPerHost)).toEqual({ c1: 1, c2: 1, c3: 1 });
      expect(pool.handshakeCount('down')).toBe(2);
      for (const h of ['c1', 'c2', 'c3']) expect(pool.handshakeCount(h)).toBe(1);
    } finally {
      await pool.closeAll();
    }
  });

  it('retry runs only the host that failed and keeps the rest', async () => {
    const pool = world.pool();
    const log = new LogCollector();
    const runs = new Map<string, number>();
    let c2Broken = true;
    const task: HostTask<void> = async (hostId) => {
      runs.set(hostId, (runs.get(hostId) ?? 0) + 1);
      const conn = await pool.get(hostId);
      if (!conn.ok) return conn;
      const fail = hostId === 'c2' && c2Broken;
      const r = await runCommand(conn.value, { argv: ['sh', '-c', fail ? 'exit 7' : 'true'] }, log.ctx());
      return r.ok ? { ok: true, value: undefined } : r;
    };
    try {
      const first = await fanOut(['c1', 'c2', 'c3'], task, { concurrency: 2 });
      expect(first.map((o) => o.ok)).toEqual([true, false, true]);
      c2Broken = false;
      const second = await retryFailed(first, task, { concurrency: 2 });
      expect(second.map((o) => o.ok)).toEqual([true, true, true]);
      expect(Object.fromEntries(runs)).toEqual({ c1: 1, c2: 2, c3: 1 });
      expect(log.lines(world.targets.c2.name, 'command')).toHaveLength(2);
      expect(log.lines(world.targets.c1.name, 'command')).toHaveLength(1);
    } finally {
      await pool.closeAll();
    }
  });
});
