import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatMappingCsv,
  parseMappingCsv,
  suggestMapping,
} from '../../../shared/mapping/project-mapping.js';
import { hostileString } from '../../support/hostile-strings.js';

const targets = ['finance-dr', 'engineering-dr', 'research-dr', 'ops'].map((name) => ({ name }));

describe('project mapping', () => {
  it('suggests targets by name and keeps what the profile already says', () => {
    const mapping = suggestMapping(
      [
        { id: 'a1', name: 'finance' },
        { id: 'a2', name: 'engineering' },
        { id: 'a3', name: 'marketing' },
      ],
      targets,
      [{ sourceProjectId: 'a2', sourceProjectName: '', targetProject: 'ops', trusteeUser: 'bob-dr' }],
    );
    expect(mapping.map((m) => [m.sourceProjectId, m.targetProject, m.trusteeUser])).toEqual([
      ['a1', 'finance-dr', ''],
      ['a2', 'ops', 'bob-dr'],
      ['a3', '', ''],
    ]);
  });

  it('round-trips through CSV, hostile names included, and neutralises spreadsheet formulas', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.uuid(),
            hostileString,
            hostileString.filter((s) => s.trim() !== ''),
            hostileString,
          ),
          { maxLength: 8 },
        ),
        (rows) => {
          const ids = new Set(rows.map((r) => r[0]));
          fc.pre(ids.size === rows.length);
          const mapping = rows.map(([id, name, target, trustee]) => ({
            sourceProjectId: id,
            sourceProjectName: name.trim(),
            targetProject: target.trim(),
            trusteeUser: trustee.trim(),
          }));
          const parsed = parseMappingCsv(formatMappingCsv(mapping));
          expect(parsed).toEqual({ ok: true, value: mapping });
        },
      ),
      { numRuns: 2000 },
    );
    expect(
      formatMappingCsv([
        { sourceProjectId: 'x', sourceProjectName: '=cmd()', targetProject: 't', trusteeUser: '' },
      ]),
    ).toContain('"=cmd()"');
  });

  it('names the row of a bad CSV', () => {
    expect(
      parseMappingCsv('source_project_id,source_project_name,target_project\na1,finance,\n'),
    ).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('row 2') },
    });
    expect(parseMappingCsv('a1,x,t\na1,y,u\n')).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('twice') },
    });
    expect(parseMappingCsv('a1,"open,t\n')).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('not closed') },
    });
  });
});
