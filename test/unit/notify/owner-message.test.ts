import { describe, expect, it } from 'vitest';
import { encodeHeaderValue, isEmailAddress, quotedPrintable, renderEml } from '../../../shared/notify/eml.js';
import {
  buildOwnerMessages,
  ownerMessageEml,
  type OwnerMessageInput,
} from '../../../shared/notify/owner-message.js';
import type { RestoredWorkload } from '../../../shared/report/restore-outcome.js';
import { restoreData } from '../report/support/sample-run.js';
import { decodeQuotedPrintable, readEml } from './support/read-eml.js';

const notified: RestoredWorkload = {
  workloadId: '9f1c2d3e-0000-4000-8000-00000000abcd',
  name: 'research-hpc',
  sourceProject: 'e10b1281aa8749b1bbbe37363342f374',
  sourceProjectName: 'research',
  targetProject: 'research-dr',
  status: 'notified',
};

const input = (over: Partial<OwnerMessageInput> = {}): OwnerMessageInput => ({
  workloads: [
    ...restoreData.workloads,
    notified,
    { ...notified, workloadId: 'x', name: 'left-out', status: 'skipped' },
  ],
  recipients: {
    'finance-dr': ['alice@b.example', 'cfo@b.example', 'alice@b.example'],
    'engineering-dr': ['bob@b.example'],
    'research-dr': ['carol@b.example'],
  },
  from: 'DR Team <dr@b.example>',
  targetCloud: {
    region: 'RegionTwo',
    authUrl: 'https://keystone.b.example:5000/v3',
    dashboardUrl: 'https://horizon.b.example',
  },
  sourceCloud: { region: 'RegionOne' },
  runId: 'run-20250314-0900',
  ...over,
});

describe('buildOwnerMessages', () => {
  it('writes one message per target project to its owners, skipping left-out workloads', () => {
    const messages = buildOwnerMessages(input());
    expect(messages.map((m) => [m.targetProject, m.to])).toEqual([
      ['engineering-dr', ['bob@b.example']],
      ['finance-dr', ['alice@b.example', 'cfo@b.example']],
      ['research-dr', ['carol@b.example']],
    ]);
    expect(messages.every((m) => m.problems.length === 0)).toBe(true);
    expect(messages.map((m) => m.subject)).toEqual([
      '[DR] 1 workload of project engineering-dr available in RegionTwo',
      '[DR] 2 workloads of project finance-dr available in RegionTwo',
      '[DR] 1 workload of project research-dr available in RegionTwo',
    ]);
    expect(messages.some((m) => m.text.includes('left-out'))).toBe(false);
  });

  it('lists restored workloads with their new instance names and ids', () => {
    const finance = buildOwnerMessages(input()).find((m) => m.targetProject === 'finance-dr')!;
    expect(finance.restored.map((w) => w.name)).toEqual(['fin-erp', 'fin-web']);
    expect(finance.text).toContain('Restored: their instances are running in your project.');
    expect(finance.text).toContain(
      '  - fin-erp (workload c21aee38-405c-4cff-a45c-702bf3725832, from project finance)',
    );
    expect(finance.text).toContain(
      '      instance erp-app-dr (was erp-app), id b1f6a3c0-0000-4000-8000-000000000001',
    );
    expect(finance.text).toContain('      instance fin-web-1, id b1f6a3c0-0000-4000-8000-000000000003');
    expect(finance.text).toContain('https://horizon.b.example');
    // Nothing left to restore there: no restore instructions.
    expect(finance.text).not.toContain('How to restore a workload');
  });

  it('tells owners of notified and failed workloads how to restore them', () => {
    const [engineering, , research] = buildOwnerMessages(input());
    expect(research!.toRestore.map((w) => w.name)).toEqual(['research-hpc']);
    expect(research!.text).toContain('Available to restore');
    expect(research!.text).toContain(`workloadmgr snapshot-list --workload_id ${notified.workloadId}`);
    expect(research!.text).toContain(
      "workloadmgr snapshot-selective-restore --filename restore.json '<snapshot id>'",
    );
    expect(engineering!.failed.map((w) => w.status)).toEqual(['error']);
    expect(engineering!.text).toContain('Not restored yet');
    expect(engineering!.text).toContain('No valid host was found.');
  });

  it('reports projects without recipients and bad addresses instead of sending them', () => {
    const messages = buildOwnerMessages(
      input({
        recipients: {
          'finance-dr': ['not an address'],
          'research-dr': ['carol@b.example\r\nBcc: x@evil.example'],
        },
      }),
    );
    expect(messages.map((m) => m.problems)).toEqual([
      ['The message has no recipient.'],
      ['not an address is not an email address.'],
      ['carol@b.example\r\nBcc: x@evil.example is not an email address.'],
    ]);
  });
});

describe('.eml rendering', () => {
  const date = new Date('2025-03-14T09:31:00Z');

  it('writes RFC 5322 header fields and a quoted-printable UTF-8 body with CRLF line ends', () => {
    const finance = buildOwnerMessages(input()).find((m) => m.targetProject === 'finance-dr')!;
    const eml = ownerMessageEml(finance, {
      date,
      messageId: 'abc-123@b.example',
      runId: 'run-20250314-0900',
    });
    expect(eml.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(eml.split('\r\n').every((line) => line.length <= 78)).toBe(true);
    expect(eml).toMatch(/^[\x20-\x7e\r\n\t]*$/);
    const parsed = readEml(eml);
    expect(Object.fromEntries(parsed.headers)).toMatchObject({
      from: 'DR Team <dr@b.example>',
      to: 'alice@b.example, cfo@b.example',
      subject: '[DR] 2 workloads of project finance-dr available in RegionTwo',
      date: 'Fri, 14 Mar 2025 09:31:00 +0000',
      'message-id': '<abc-123@b.example>',
      'mime-version': '1.0',
      'content-type': 'text/plain; charset=utf-8',
      'content-transfer-encoding': 'quoted-printable',
      'x-trilio-dr-run': 'run-20250314-0900',
      'x-trilio-dr-project': 'finance-dr',
    });
    expect(parsed.body).toBe(`${finance.text.replace(/\n/g, '\r\n')}\r\n`);
  });

  it('encodes non-ASCII subjects and names as RFC 2047 words and keeps CR/LF out of header fields', () => {
    const eml = renderEml(
      {
        from: 'Zoë Müller <dr@b.example>',
        to: ['a@b.example'],
        subject: 'Wiederherstellung für Projekt „Finanzen“ — 完成\r\nBcc: x@evil.example',
        text: 'Grüße',
      },
      { date, messageId: 'm@b.example' },
    );
    const parsed = readEml(eml);
    expect(parsed.headers.get('subject')).toBe(
      'Wiederherstellung für Projekt „Finanzen“ — 完成 Bcc: x@evil.example',
    );
    expect(parsed.headers.get('from')).toBe('Zoë Müller <dr@b.example>');
    expect(parsed.headers.has('bcc')).toBe(false);
    expect(parsed.rawHeader).toMatch(/^Subject: =\?UTF-8\?B\?/m);
    expect(parsed.body).toBe('Grüße\r\n');
    expect(encodeHeaderValue('plain ASCII')).toBe('plain ASCII');
  });

  it('wraps quoted-printable lines at 76 characters without splitting an escape', () => {
    const text = `${'é'.repeat(60)}\n${'x'.repeat(200)} \nend=with equals\ttab `;
    const qp = quotedPrintable(text);
    for (const line of qp.split('\r\n')) {
      expect(line.length).toBeLessThanOrEqual(76);
      // Never half an escape at a line end, never a blank there (transports strip them).
      expect(line).not.toMatch(/=[0-9A-F]=?$/);
      expect(line).not.toMatch(/[ \t]$/);
    }
    expect(qp).toContain('=3D');
    expect(qp).toContain('=20\r\n');
    expect(qp.endsWith('tab=20')).toBe(true);
    expect(decodeQuotedPrintable(qp)).toBe(text.replace(/\n/g, '\r\n'));
  });

  it('accepts ordinary addresses and refuses the rest', () => {
    for (const ok of ['a@b.example', 'first.last+dr@sub.b-c.example', "o'brien@b.example"])
      expect(isEmailAddress(ok)).toBe(true);
    for (const bad of [
      '',
      'a',
      'a@',
      '@b',
      'a b@c.example',
      'a@b..example',
      '.a@b.example',
      'a@b.example\r\n',
      'a@-b.example',
    ])
      expect(isEmailAddress(bad)).toBe(false);
  });
});
