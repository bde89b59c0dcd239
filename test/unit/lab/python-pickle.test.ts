import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { pickleDumps, pickleLoads, unpickleDict } from '../../lab/trilio/emulator/python-pickle.js';
import { pythonJson } from '../../lab/trilio/emulator/python-json.js';

/**
 * workload_db's `jobschedule` is a Python pickle. The emulator writes and reads it with its own
 * code; Debian's python3 is the judge in both directions.
 */

const python = '/usr/bin/python3';
const schedule = {
  fullbackup_interval: '-1',
  start_time: '01:00 AM',
  interval: '24hr',
  enabled: true,
  start_date: '03/04/2025',
  retention_policy_value: '30',
  nested: { list: [1, -2, 3000000000, null, false], text: 'caf\u00e9 \\ "quoted"\nline' },
};

function pythonLoads(pickle: string): unknown {
  const script = 'import json,pickle,sys; print(json.dumps(pickle.loads(sys.stdin.buffer.read())))';
  return JSON.parse(
    execFileSync(python, ['-c', script], { input: Buffer.from(pickle, 'latin1') }).toString(),
  );
}

function pythonDumps(value: unknown, protocol: number): string {
  const script = `import json,pickle,sys; sys.stdout.buffer.write(pickle.dumps(json.loads(sys.stdin.read()), ${protocol}))`;
  return execFileSync(python, ['-c', script], { input: JSON.stringify(value) }).toString('latin1');
}

describe('Python pickles of job schedules', () => {
  it('writes protocol 0 as Python 3 does, and Python reads it back unchanged', () => {
    const pickle = pickleDumps({ enabled: true, interval: '24hr', n: 5 });
    expect(pickle).toBe('(dp0\nVenabled\np1\nI01\nsVinterval\np2\nV24hr\np3\nsVn\np4\nI5\ns.');
    expect(pythonLoads(pickleDumps(schedule))).toEqual(schedule);
    expect(/^[\x20-\x7e\n]*$/.test(pickleDumps(schedule))).toBe(true); // ASCII: safe in JSON
  });

  it('reads what Python writes with protocols 0 to 4', () => {
    for (const protocol of [0, 1, 2, 3, 4])
      expect(pickleLoads(pythonDumps(schedule, protocol))).toEqual(schedule);
  });

  it('reads Python 2 protocol 0 strings (S quoted)', () => {
    const py2 = "(dp1\nS'enabled'\np2\nI01\nsS'start_time'\np3\nS'09:00 PM'\np4\ns.";
    expect(pickleLoads(py2)).toEqual({ enabled: true, start_time: '09:00 PM' });
  });

  it('refuses what is not a pickled dict', () => {
    expect(unpickleDict('{"enabled": true}')).toBeUndefined();
    expect(unpickleDict('(dp0\nVa\np1\nI1\ns')).toBeUndefined(); // truncated: no STOP
    expect(unpickleDict(pickleDumps([1, 2]))).toBeUndefined();
    expect(() => pickleLoads('cos\nsystem\n(S"echo hi"\ntR.')).toThrow(/unsupported pickle opcode/);
  });
});

describe('JSON as Python writes it', () => {
  it('matches json.dumps byte for byte', () => {
    const value = {
      id: 'w1',
      jobschedule: pickleDumps({ enabled: false }),
      metadata: [{ key: 'k', value: 'v\u00e9' }],
      n: 3,
      x: null,
    };
    const expected = execFileSync(
      python,
      ['-c', 'import json,sys; sys.stdout.write(json.dumps(json.loads(sys.stdin.read())))'],
      {
        input: JSON.stringify(value),
      },
    ).toString();
    expect(pythonJson(value)).toBe(expected);
  });
});
