import { readFile, readdir } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { beforeAll, describe, expect, it } from 'vitest';
import { upClouds, type CloudsState } from './index.js';

// The SMTP sink is a real aiosmtpd server; Node's nodemailer talks to it as the wizard's notifier will.

let smtp: CloudsState['smtp'];
let ca: Buffer;

beforeAll(async () => {
  smtp = (await upClouds()).smtp;
  ca = await readFile(smtp.caCertFile);
});

function transport(
  options: { user?: string; pass?: string; authMethod?: string; ignoreTLS?: boolean } = {},
): nodemailer.Transporter {
  return nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: false,
    requireTLS: !options.ignoreTLS,
    ignoreTLS: options.ignoreTLS ?? false,
    auth: { user: options.user ?? smtp.username, pass: options.pass ?? smtp.password },
    authMethod: options.authMethod ?? 'PLAIN',
    // Verifies the sink's self-signed certificate instead of switching verification off.
    tls: { ca },
    connectionTimeout: 10_000,
  });
}

/**
 * The Maildir message whose Subject is `subject`. The sink stores a message before it answers 250,
 * so once sendMail settles the file is there or never will be; `attempts` only absorbs a slow disk.
 */
async function findMessage(subject: string, attempts = 20): Promise<string | undefined> {
  const newDir = path.join(smtp.maildir, 'new');
  for (let attempt = 0; attempt < attempts; attempt++) {
    for (const file of await readdir(newDir).catch(() => [] as string[])) {
      const text = await readFile(path.join(newDir, file), 'utf8');
      if (text.includes(`Subject: ${subject}`)) return text;
    }
    if (attempt + 1 < attempts) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return undefined;
}

describe('SMTP sink', () => {
  for (const authMethod of ['PLAIN', 'LOGIN']) {
    it(`delivers a message sent with STARTTLS and AUTH ${authMethod} into the Maildir`, async () => {
      const subject = `lab mail ${authMethod} ${randomUUID()}`;
      const info = await transport({ authMethod }).sendMail({
        from: 'dr-wizard@cloud-b.test',
        to: ['alice-dr@cloud-b.test', 'ops@cloud-b.test'],
        subject,
        text: 'Restore of workload finance finished.',
      });
      expect(info.accepted).toEqual(['alice-dr@cloud-b.test', 'ops@cloud-b.test']);
      const stored = await findMessage(subject);
      expect(stored).toBeDefined();
      expect(stored).toContain('X-Lab-Envelope-From: dr-wizard@cloud-b.test');
      expect(stored).toContain('X-Lab-Envelope-To: alice-dr@cloud-b.test, ops@cloud-b.test');
      expect(stored).toContain(`X-Lab-Auth-User: ${smtp.username}`);
      expect(stored).toContain('Restore of workload finance finished.');
    });
  }

  it('refuses a wrong password with 535 and stores nothing', async () => {
    const subject = `must not arrive ${randomUUID()}`;
    const sending = transport({ pass: `${smtp.password}-wrong` }).sendMail({
      from: 'x@cloud-b.test',
      to: 'y@cloud-b.test',
      subject,
      text: 'no',
    });
    await expect(sending).rejects.toMatchObject({ code: 'EAUTH', responseCode: 535 });
    expect(await findMessage(subject, 1)).toBeUndefined();
  });

  it('refuses a wrong user name', async () => {
    const sending = transport({ user: 'intruder' }).sendMail({
      from: 'x@cloud-b.test',
      to: 'y@cloud-b.test',
      subject: 'no',
      text: 'no',
    });
    await expect(sending).rejects.toMatchObject({ code: 'EAUTH', responseCode: 535 });
  });

  it('refuses AUTH and mail over a connection without STARTTLS', async () => {
    const sending = transport({ ignoreTLS: true }).sendMail({
      from: 'x@cloud-b.test',
      to: 'y@cloud-b.test',
      subject: 'no',
      text: 'no',
    });
    await expect(sending).rejects.toMatchObject({ responseCode: 530 });
  });
});
