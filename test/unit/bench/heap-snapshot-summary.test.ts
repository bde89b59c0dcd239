import { describe, expect, it } from 'vitest';
import { diffSummaries, summarizeSnapshot } from '../../../bench/heap-snapshot-summary.js';

/** A heap snapshot of V8's layout, cut down to the fields the summary reads. */
const snapshot = (nodes: [type: number, name: number, size: number][]) =>
  JSON.stringify({
    snapshot: {
      meta: {
        node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'],
        node_types: [['hidden', 'array', 'string', 'object', 'closure']],
      },
    },
    nodes: nodes.flatMap(([type, name, size], i) => [type, name, i + 1, size, 0]),
    strings: ['', 'LogLine', 'Array', 'hello', 'event: log\ndata: [{"text":"x"}]\n\n'],
  });

describe('heap snapshot summary', () => {
  it('counts objects by constructor and the rest by kind, and ranks what grew', () => {
    const a = summarizeSnapshot(
      snapshot([
        [3, 1, 40],
        [2, 3, 16],
        [1, 0, 100],
      ]),
    );
    expect(a.get('object LogLine')).toEqual({ count: 1, size: 40 });
    expect(a.get('(string)')).toEqual({ count: 1, size: 16 });
    const b = summarizeSnapshot(
      snapshot([
        [3, 1, 40],
        [3, 1, 40],
        [3, 1, 40],
        [2, 3, 16],
        [1, 0, 50],
      ]),
    );
    const text = diffSummaries(a, b);
    expect(text.split('\n')[1]).toBe('  object LogLine: +2 objects, +0.1 KiB (now 3, 0.1 KiB)');
    expect(text).toContain('(array): +0 objects, -0.0 KiB');
    // An event-stream frame waiting in the server is told apart from other strings by its text.
    const frames = summarizeSnapshot(
      snapshot([
        [2, 4, 2048],
        [2, 4, 2048],
        [2, 3, 16],
      ]),
    );
    expect(frames.get('(string) SSE frame log')).toEqual({ count: 2, size: 4096 });
    expect(frames.get('(string)')).toEqual({ count: 1, size: 16 });
  });
});
