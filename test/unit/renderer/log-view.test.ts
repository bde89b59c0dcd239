import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../shared/contract.js';
import { LogView } from '../../../renderer/src/lib/log/log-view.svelte.js';

const lines = (from: number, n: number): LogRecord[] =>
  Array.from({ length: n }, (_, i) => ({
    runId: 'r1',
    step: 'copy',
    host: 'tvm-1',
    stream: 'stdout',
    ts: 1_700_000_000_000 + from + i,
    text: `line ${from + i}`,
  }));

describe('LogView', () => {
  it('keeps at most `capacity` records, dropping the oldest', () => {
    const view = new LogView({ capacity: 1000 });
    for (let i = 0; i < 25; i++) view.append(lines(i * 100, 100));
    expect(view.records).toHaveLength(1000);
    expect(view.records[0]!.text).toBe('line 1500');
    expect(view.records.at(-1)!.text).toBe('line 2499');
    expect(view.dropped).toBe(1500);
  });

  it('renders a window of rows, not the whole buffer', () => {
    const view = new LogView({ capacity: 50_000, rowHeight: 20, overscan: 5 });
    view.append(lines(0, 50_000));
    view.onScroll(0, 400);
    expect(view.visible.length).toBeLessThanOrEqual(400 / 20 + 1 + 5);
    expect(view.visible[0]!.text).toBe('line 0');
    view.onScroll(20 * 30_000, 400);
    expect(view.visible.some((r) => r.text === 'line 30000')).toBe(true);
    expect(view.visible.length).toBeLessThanOrEqual(400 / 20 + 1 + 10);
  });

  it('follows the newest line until the user scrolls up', () => {
    const view = new LogView({ rowHeight: 20 });
    view.onScroll(0, 200);
    view.append(lines(0, 100));
    expect(view.follow).toBe(true);
    expect(view.scrollTop).toBe(100 * 20 - 200);
    expect(view.visible.at(-1)!.text).toBe('line 99');

    view.onScroll(400, 200);
    expect(view.follow).toBe(false);
    view.append(lines(100, 50));
    expect(view.scrollTop).toBe(400);

    view.onScroll(150 * 20 - 200, 200);
    expect(view.follow).toBe(true);
  });

  it('keeps the same lines in view when old ones fall off the top', () => {
    const view = new LogView({ capacity: 100, rowHeight: 20 });
    view.onScroll(0, 200);
    view.append(lines(0, 100));
    view.onScroll(20 * 40, 200); // line 40 at the top
    view.append(lines(100, 10)); // drops lines 0..9
    expect(view.records[Math.floor(view.scrollTop / 20)]!.text).toBe('line 40');
  });

  it('loads older lines from the store up to the cap and stops when there are none', async () => {
    const asked: (LogRecord | undefined)[] = [];
    const view = new LogView({
      capacity: 30,
      loadOlder: async (before) => {
        asked.push(before);
        return asked.length === 1 ? lines(-50, 50) : [];
      },
    });
    view.append(lines(0, 10));
    expect(await view.loadOlder()).toBe(20);
    expect(asked[0]!.text).toBe('line 0');
    expect(view.records).toHaveLength(30);
    expect(view.records[0]!.text).toBe('line -20');
    expect(await view.loadOlder()).toBe(0); // full
    view.clear();
    expect(await view.loadOlder()).toBe(0);
    expect(view.olderExhausted).toBe(true);
  });

  describe('search', () => {
    const mixed = (): LogRecord[] =>
      Array.from({ length: 20_000 }, (_, i) => ({
        runId: 'r1',
        step: 'mount-paths',
        host: i % 4 === 0 ? '' : `compute-${i % 4}`,
        stream: 'stdout',
        ts: 1_700_000_000_000 + i,
        text:
          i % 1000 === 7 ? `mount: /var/trilio/triliovault-mounts/X: Permission DENIED (${i})` : `ok ${i}`,
      }));

    it('narrows the rows to a text, case-insensitively, and counts the matches', () => {
      const view = new LogView({ rowHeight: 20, overscan: 2 });
      view.onScroll(0, 200);
      view.append(mixed());
      view.setFilter({ text: 'permission denied' });
      expect(view.shown).toHaveLength(20);
      expect(view.records).toHaveLength(20_000);
      expect(view.visible.every((r) => r.text.includes('Permission DENIED'))).toBe(true);
      // Follows the newest match, and the window is over the matches only.
      expect(view.visible.at(-1)!.text).toContain('(19007)');
      expect(view.scrollTop).toBe(20 * 20 - 200);
      view.setFilter({ text: '' });
      expect(view.shown).toHaveLength(20_000);
    });

    it('narrows to one host, with the hosts seen offered in order of first appearance', () => {
      const view = new LogView();
      view.append(mixed().slice(0, 8));
      expect(view.sources).toEqual(['wizard', 'compute-1', 'compute-2', 'compute-3']);
      view.setFilter({ host: 'compute-2' });
      expect(view.shown.map((r) => r.text)).toEqual(['ok 2', 'ok 6']);
      view.setFilter({ host: 'wizard', text: '7' });
      expect(view.shown).toHaveLength(0);
      // The search also finds the host a line came from, as the panel shows it.
      view.setFilter({ host: '', text: 'COMPUTE-1' });
      expect(view.shown.map((r) => r.text)).toEqual(['ok 1', 'ok 5']);
      view.setFilter({ host: 'compute-3', text: '7' });
      expect(view.shown.map((r) => r.text)).toEqual([
        'mount: /var/trilio/triliovault-mounts/X: Permission DENIED (7)',
      ]);
    });

    it('keeps the matching lines under the eyes when old ones fall off the top', () => {
      const view = new LogView({ capacity: 1000, rowHeight: 20 });
      view.onScroll(0, 100);
      view.append(lines(0, 1000));
      view.setFilter({ text: 'line 1' }); // 1, 10-19, 100-199: 111 rows
      expect(view.shown).toHaveLength(111);
      view.onScroll(20 * 50, 100); // row 50 = 'line 139'
      expect(view.shown[50]!.text).toBe('line 139');
      view.append(lines(1000, 20)); // drops 0..19: 11 matching rows leave, 1000..1019 add 20 (all 'line 10..')
      expect(view.shown[Math.floor(view.scrollTop / 20)]!.text).toBe('line 139');
    });
  });
});
