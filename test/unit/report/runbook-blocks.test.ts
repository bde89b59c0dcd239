import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayCommand } from '../../../shared/shell/quote.js';
import { fencedBlocks, httpRequests, shCommands } from './support/runbook-blocks.js';

/** The runbook matrix test reads commands back with `shCommands`: it must read what the wizard shows exactly. */
describe('reading a runbook’s code blocks', () => {
  it('reads any displayed command back to its arguments', () => {
    // Every string a command can carry: no NUL, no lone surrogate (both refused by the quoting).
    const arg = fc
      .string({ unit: 'binary', maxLength: 30 })
      .filter((s) => !s.includes('\0') && !/\p{Cs}/u.test(s));
    fc.assert(
      fc.property(fc.array(arg, { minLength: 1, maxLength: 6 }), (argv) => {
        expect(shCommands(displayCommand(argv))).toEqual([argv]);
      }),
      { numRuns: 2000 },
    );
  });

  it('splits commands at line ends outside quotes and skips comment lines', () => {
    const script = ['sh', '-c', 'a\nb # not a comment', 'x'];
    const text = `# what it does\n${displayCommand(script)}\n# next\n${displayCommand(['mkdir', '-p', '--', '/a b'])}`;
    expect(shCommands(text)).toEqual([script, ['mkdir', '-p', '--', '/a b']]);
  });

  it('refuses shell syntax outside quotes, so a pipeline cannot pass as a command', () => {
    expect(() => shCommands('echo -n 10.0.0.1:/x | base64')).toThrow(/shell syntax/);
    expect(() => shCommands('ls $HOME')).toThrow(/shell syntax/);
    expect(() => shCommands('a; b')).toThrow(/shell syntax/);
  });

  it('finds fenced blocks with their language, and the requests of http blocks', () => {
    const md =
      '# t\n\n```sh\nls\n```\n\n````http\n# get\nGET /a/{b c}\n\n# put\nPUT /x\n{\n  "a": 1\n}\n````\n';
    const blocks = fencedBlocks(md);
    expect(blocks.map((b) => b.lang)).toEqual(['sh', 'http']);
    expect(httpRequests(blocks[1]!.text)).toEqual([
      { method: 'GET', path: '/a/{b c}' },
      { method: 'PUT', path: '/x', body: { a: 1 } },
    ]);
  });
});
