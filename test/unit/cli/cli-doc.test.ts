import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeLines } from '../../../electron/cli/cli-exit.js';
import { CLI_JSON_SCHEMA, envelope } from '../../../electron/cli/cli-output.js';
import { commandName, commands } from '../../../electron/cli/cli-spec.js';

// docs/cli.md documents every command, every exit code and every field of the --json envelope.
const doc = readFileSync(path.join(import.meta.dirname, '../../../docs/cli.md'), 'utf8');

describe('docs/cli.md', () => {
  it('lists every command and every option of it', () => {
    for (const c of commands) {
      expect(doc, commandName(c)).toContain(`trilio-dr ${commandName(c)}`);
      for (const o of c.options) expect(doc, `${commandName(c)} --${o.name}`).toContain(`--${o.name}`);
    }
  });

  it('documents the exit codes the CLI uses', () => {
    for (const line of exitCodeLines()) {
      const code = line.split(/\s+/)[0]!;
      expect(doc).toMatch(new RegExp(`\\| \`${code}\` +\\|`));
    }
  });

  it('documents every field of the JSON envelope and its version', () => {
    expect(doc).toContain(`\`${CLI_JSON_SCHEMA}\``);
    const full = envelope('x', {
      ok: false,
      exitCode: 1,
      value: 1,
      error: { code: 'internal', message: '' },
      run: {},
    });
    for (const field of Object.keys(full)) expect(doc, field).toMatch(new RegExp(`\\| \`${field}\` +\\|`));
  });
});
