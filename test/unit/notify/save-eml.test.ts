import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  emlFileName,
  prepareOwnerMessages,
  saveEml,
  sendPrepared,
} from '../../../electron/core/notify/smtp-send.js';
import { buildOwnerMessages } from '../../../shared/notify/owner-message.js';
import { restoreData } from '../report/support/sample-run.js';
import { readEml } from './support/read-eml.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
const tempDir = async () => {
  const d = await mkdtemp(path.join(os.tmpdir(), 'trilio-eml-'));
  dirs.push(d);
  return d;
};

const messages = () =>
  buildOwnerMessages({
    workloads: restoreData.workloads,
    recipients: { 'finance-dr': ['alice@b.example'], 'engineering-dr': ['bob@b.example'] },
    from: 'dr@b.example',
    targetCloud: { region: 'RegionTwo', authUrl: 'https://keystone.b.example:5000/v3' },
    sourceCloud: { region: 'RegionOne' },
    runId: 'run-1',
  });

describe('saving notifications as .eml', () => {
  it('renders each message once with its own Message-ID and saves exactly that text', async () => {
    const prepared = prepareOwnerMessages(messages(), {
      runId: 'run-1',
      date: new Date('2025-03-14T09:31:00Z'),
    });
    expect(new Set(prepared.map((p) => p.messageId)).size).toBe(2);
    expect(prepared.every((p) => p.messageId.endsWith('@b.example'))).toBe(true);
    const dir = path.join(await tempDir(), 'mail', 'out');
    const saved = await saveEml(dir, prepared);
    expect(saved.ok).toBe(true);
    if (!saved.ok) return;
    expect(saved.value.map((f) => path.basename(f))).toEqual([
      '001-engineering-dr.eml',
      '002-finance-dr.eml',
    ]);
    for (const [i, file] of saved.value.entries()) {
      const text = await readFile(file, 'utf8');
      expect(text).toBe(prepared[i]!.eml);
      expect(readEml(text).headers.get('message-id')).toBe(`<${prepared[i]!.messageId}>`);
    }
    expect((await readdir(dir)).length).toBe(2);
  });

  it('makes project names safe as file names', () => {
    expect(emlFileName(0, '../../etc/passwd')).toBe('001-etc_passwd.eml');
    expect(emlFileName(41, 'Finance DR (EU)')).toBe('042-Finance_DR_EU_.eml');
    expect(emlFileName(2, '...')).toBe('003-project.eml');
  });

  it('fails with an error value when the folder cannot be written', async () => {
    const file = path.join(await tempDir(), 'a-file');
    await writeFile(file, 'x');
    const saved = await saveEml(path.join(file, 'sub'), prepareOwnerMessages(messages(), { runId: 'run-1' }));
    expect(saved).toMatchObject({ ok: false, error: { code: 'internal' } });
  });

  it('reports an unreadable CA file before connecting', async () => {
    const sent = await sendPrepared(
      { host: '127.0.0.1', port: 1, starttls: true, caFile: '/nonexistent/ca.pem' },
      prepareOwnerMessages(messages(), { runId: 'run-1' }),
    );
    expect(sent).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});
