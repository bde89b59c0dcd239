import { mkdir, stat } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { debianPython, ports } from '../topology.js';
import { smtpCredentials } from './clouds-spec.js';
import { cloudsSourceDir, logDir, loopback, mailDir, runDir, smtpDir } from './clouds-paths.js';
import { ensureDaemon, stopService } from './lab-process.js';
import { runCommand } from './local-command.js';

/**
 * The lab's SMTP sink for notification tests: aiosmtpd with mandatory STARTTLS (self-signed
 * certificate made at first `up`) and AUTH PLAIN/LOGIN, delivering into a Maildir at `.lab/mail`.
 */

export const smtpService = { name: 'smtp-sink', cmdlineMark: 'smtp-sink.py' } as const;
export const smtpCertFile = path.join(smtpDir, 'cert.pem');
const keyFile = path.join(smtpDir, 'key.pem');
const logFile = path.join(logDir, 'smtp-sink.log');

export async function ensureSmtpSink(): Promise<'reused' | 'started' | 'restarted'> {
  await ensureCertificate();
  await mkdir(mailDir, { recursive: true });
  return ensureDaemon(runDir, {
    ...smtpService,
    title: 'SMTP sink',
    command: debianPython,
    args: [
      path.join(cloudsSourceDir, 'smtp-sink.py'),
      '--host',
      loopback,
      '--port',
      String(ports.smtp),
      '--maildir',
      mailDir,
      '--cert',
      smtpCertFile,
      '--key',
      keyFile,
      '--user',
      smtpCredentials.username,
    ],
    env: { ...process.env, SMTP_SINK_PASSWORD: smtpCredentials.password, PYTHONDONTWRITEBYTECODE: '1' },
    logFile,
    host: loopback,
    port: ports.smtp,
    ready: () => smtpGreets(loopback, ports.smtp),
    readyTimeoutMs: 20_000,
  });
}

/** A self-signed certificate for 127.0.0.1 (clients trust it by passing the file as their CA). */
async function ensureCertificate(): Promise<void> {
  if ((await exists(smtpCertFile)) && (await exists(keyFile))) return;
  await mkdir(smtpDir, { recursive: true });
  await runCommand('/usr/bin/openssl', [
    'req',
    '-x509',
    '-nodes',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-keyout',
    keyFile,
    '-out',
    smtpCertFile,
    '-days',
    '3650',
    '-subj',
    '/CN=smtp.lab.test',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:smtp.lab.test',
  ]);
}

/** Whether an SMTP server at host:port sends its 220 greeting. */
export function smtpGreets(host: string, port: number, timeoutMs = 2_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (chunk) => {
      socket.end('QUIT\r\n');
      done(chunk.toString('latin1').startsWith('220'));
    });
  });
}

export const stopSmtpSink = (): Promise<boolean> =>
  stopService(runDir, smtpService.name, smtpService.cmdlineMark);

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
