import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../../electron/core/store/database.js';
import { readLogs } from '../../../electron/core/store/log-repo.js';
import { RunRepo } from '../../../electron/core/store/run-repo.js';
import { useTempStores } from './temp-store.js';

const stores = useTempStores();

function waitFor(stream: NodeJS.ReadableStream, text: string, deadlineMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`no "${text}" within ${deadlineMs} ms: ${seen}`)),
      deadlineMs,
    );
    stream.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

describe('a wizard that crashes', () => {
  it('holds the lock while alive; after SIGKILL its lock is taken over and its writes are there', async () => {
    const file = stores.newFile();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', new URL('./hold-store.ts', import.meta.url).pathname, file],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      await waitFor(child.stdout, 'ready', 20_000).catch((e: Error) => {
        throw new Error(`${e.message}\n${stderr}`);
      });
      const locked = openStore(file);
      expect(locked).toMatchObject({
        ok: false,
        error: { code: 'store-locked', hint: expect.stringContaining(`(pid ${child.pid})`) },
      });
    } finally {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    const store = stores.open(file);
    const run = new RunRepo(store).getRun('run-crash');
    expect(run?.status).toBe('running');
    expect(run?.steps[0]).toEqual({ key: 'preflight', status: 'running', attempts: 1 });
    expect(readLogs(store, 'run-crash').map((l) => l.text)).toEqual(['line 0', 'line 1', 'line 2']);
  });
});
