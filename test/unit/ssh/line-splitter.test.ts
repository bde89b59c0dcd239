import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, TailBuffer } from '../../../electron/core/ssh/line-splitter.js';

describe('LineSplitter', () => {
  it('gives the same lines however the bytes are chunked, multi-byte characters included', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: 'binary', maxLength: 10 }).map((s) => s.replace(/[\r\n]|\p{Cs}/gu, '')),
          { maxLength: 8 },
        ),
        fc.array(fc.nat(40), { maxLength: 6 }),
        (lines, cuts) => {
          const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(''), 'utf8');
          const splitter = new LineSplitter();
          const out: string[] = [];
          let pos = 0;
          for (const c of cuts.map((x) => Math.min(x, bytes.length)).sort((a, b) => a - b)) {
            out.push(...splitter.push(bytes.subarray(pos, Math.max(pos, c))));
            pos = Math.max(pos, c);
          }
          out.push(...splitter.push(bytes.subarray(pos)), ...splitter.end());
          expect(out).toEqual(lines);
        },
      ),
    );
  });

  it('handles CRLF, a last line without newline and empty lines', () => {
    const s = new LineSplitter();
    expect(s.push(Buffer.from('a\r\n\nb'))).toEqual(['a', '']);
    expect(s.end()).toEqual(['b']);
  });

  it('cuts a runaway line into bounded pieces', () => {
    const s = new LineSplitter(4);
    expect(s.push(Buffer.from('abcdefghij'))).toEqual(['abcd', 'efgh']);
    expect(s.end()).toEqual(['ij']);
  });
});

describe('TailBuffer', () => {
  it('keeps only the last lines', () => {
    const t = new TailBuffer(2, 1000);
    for (const l of ['1', '2', '3']) t.add(l);
    expect(t.text()).toBe('2\n3');
  });
});
