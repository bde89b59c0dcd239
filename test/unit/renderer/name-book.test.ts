import { describe, expect, it } from 'vitest';
import { mergeNames, namedSegments, withNames, type NameMap } from '../../../shared/names/name-book.js';
import { runNames } from '../../../shared/names/run-names.js';
import type { RunView } from '../../../shared/run/run-types.js';

const finance = 'a3c1f0e2b4d5968778695a4b3c2d1e0f';
const admin = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const net = '6f1c2b3a-0d9e-4f8a-b7c6-d5e4f3a2b1c0';
const names: NameMap = {
  [finance]: { name: 'finance', kind: 'project', cloud: 'source' },
  [admin]: { name: 'admin', kind: 'user', cloud: 'target' },
  [net]: { name: 'finance-net', kind: 'network', cloud: 'target' },
};

describe('names beside ids', () => {
  it('cuts a text into plain runs and the ids the book knows, in order', () => {
    const text = `PUT /v3/projects/${finance}/users/${admin}/roles/ffffffffffffffffffffffffffffffff on ${net}.`;
    expect(namedSegments(text, names).map((s) => (s.id ? `[${s.entry.name}]` : s.text))).toEqual([
      'PUT /v3/projects/',
      '[finance]',
      '/users/',
      '[admin]',
      '/roles/ffffffffffffffffffffffffffffffff on ',
      '[finance-net]',
      '.',
    ]);
    expect(withNames(`project ${finance}`, names)).toBe(`project ${finance} (finance)`);
  });

  it('leaves longer hex runs, base64 paths and ids inside words alone', () => {
    const digest = `${finance}00ff`;
    const text = `sha ${digest} /var/x/${finance}abc x-${finance} ${finance.toUpperCase()}`;
    expect(namedSegments(text, names)).toEqual([{ text }]);
    expect(namedSegments('', names)).toEqual([]);
  });

  it('merges without overriding, and a name named "__proto__" is only data', () => {
    const merged = mergeNames(names, {
      [finance]: { name: 'other', kind: 'project', cloud: 'target' },
      ['__proto__']: { name: 'x', kind: 'project', cloud: 'target' },
    });
    expect(merged[finance]?.name).toBe('finance');
    expect(Object.keys(merged)).toContain('__proto__');
    expect(namedSegments('__proto__', {})).toEqual([{ text: '__proto__' }]);
  });

  it('reads the names a run learnt: mapping, Access and Reassign outcomes', () => {
    const run = {
      params: {
        kind: 'full',
        mapping: [
          {
            sourceProjectId: finance,
            sourceProjectName: 'finance',
            targetProject: 'finance-dr',
            trusteeUser: '',
          },
        ],
        notifyOnly: false,
        restoreConcurrency: 1,
        removeMountsOnCleanup: false,
      },
      steps: [
        {
          key: 'access',
          status: 'succeeded',
          attempts: 1,
          outcome: {
            summary: '',
            verify: [],
            data: {
              user: { id: admin, name: 'admin' },
              projects: [{ id: 'p2', name: 'finance-dr' }, 'junk'],
            },
          },
        },
        {
          key: 'reassign',
          status: 'succeeded',
          attempts: 1,
          outcome: {
            summary: '',
            verify: [],
            data: {
              workloads: [
                {
                  targetProjectId: 'p2',
                  targetProjectName: 'finance-dr',
                  trusteeUserId: 'u9',
                  trusteeUserName: 'ann',
                },
                null,
              ],
            },
          },
        },
      ],
    } as unknown as RunView;
    expect(runNames(run)).toEqual({
      [finance]: { name: 'finance', kind: 'project', cloud: 'source' },
      [admin]: { name: 'admin', kind: 'user', cloud: 'target' },
      p2: { name: 'finance-dr', kind: 'project', cloud: 'target' },
      u9: { name: 'ann', kind: 'user', cloud: 'target' },
    });
  });
});
