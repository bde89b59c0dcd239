import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport/index.js';
import { parseMailbox } from '../../../shared/notify/eml.js';
import { ownerMessageEml, type OwnerMessage } from '../../../shared/notify/owner-message.js';
import { fail, ok, type AppError, type Result } from '../../../shared/result.js';

/**
 * Sends the owner notifications over SMTP (nodemailer) and saves them as .eml files. A message is
 * rendered once (`prepareOwnerMessages`): the preview, the saved file and the bytes sent are the same
 * text. Each message gets its own result (accepted and rejected recipients, Message-ID, the server's
 * answer) for the run's record of what was sent.
 */
export interface SmtpSendConfig {
  host: string;
  port: number;
  /** Refuse to send unless the server upgrades the connection with STARTTLS (port 465: implicit TLS). */
  starttls: boolean;
  username?: string;
  /** From the encrypted secret store; never logged, never part of an error. */
  password?: string;
  /** PEM file of the CA that signed the server's certificate, instead of the system CAs. */
  caFile?: string;
  /** Per connection phase; default 15 s. */
  timeoutMs?: number;
}

/** A message rendered for preview, saving and sending. */
export interface PreparedMessage {
  message: OwnerMessage;
  messageId: string;
  eml: string;
}

export interface SendResult {
  targetProject: string;
  to: string[];
  messageId: string;
  accepted: string[];
  rejected: string[];
  /** The server's final answer (`250 …`). */
  response?: string;
  sentAt: string;
  error?: AppError;
}

/** Renders every message with a fresh Message-ID; what `sendPrepared` and `saveEml` use. */
export function prepareOwnerMessages(
  messages: OwnerMessage[],
  options: { runId: string; date?: Date },
): PreparedMessage[] {
  const date = options.date ?? new Date();
  return messages.map((message) => {
    const domain = parseMailbox(message.from).address.split('@')[1] || 'trilio-dr-wizard.invalid';
    const messageId = `${randomUUID()}@${domain}`;
    return { message, messageId, eml: ownerMessageEml(message, { date, messageId, runId: options.runId }) };
  });
}

function addresses(list: (string | { address: string })[] | undefined): string[] {
  return (list ?? []).map((a) => (typeof a === 'string' ? a : a.address));
}

/** An SMTP failure as an AppError, with the password blanked out of whatever the library said. */
function smtpError(config: SmtpSendConfig, error: unknown, what: string): AppError {
  const e = error as { message?: string; code?: string; response?: string; responseCode?: number };
  const hide = (text: string) =>
    config.password && config.password.length >= 4 ? text.replaceAll(config.password, '••••••') : text;
  const hint =
    e.code === 'EAUTH'
      ? 'Check the SMTP user and password in the profile.'
      : e.code === 'ETLS' || /STARTTLS|TLS|certificate/i.test(e.message ?? '')
        ? 'The server must offer STARTTLS with a certificate this machine trusts: check the CA file in the profile.'
        : e.code === 'ECONNECTION' || e.code === 'ETIMEDOUT' || e.code === 'ESOCKET'
          ? 'Check the SMTP host and port, and that this machine may connect to it.'
          : undefined;
  return {
    code: 'precondition',
    message: hide(`${what}: ${e.message ?? String(error)}`),
    request: `SMTP ${config.host}:${config.port}`,
    ...(e.response ? { output: hide(e.response) } : {}),
    ...(hint ? { hint } : {}),
  };
}

async function transportFor(
  config: SmtpSendConfig,
): Promise<Result<nodemailer.Transporter<SMTPTransport.SentMessageInfo>>> {
  let ca: Buffer | undefined;
  if (config.caFile)
    try {
      ca = await readFile(config.caFile);
    } catch (error) {
      return fail({
        code: 'not-found',
        message: `Cannot read the SMTP CA file ${config.caFile}: ${(error as Error).message}`,
        hint: 'Fix the CA file path in the profile’s mail settings.',
      });
    }
  const timeout = config.timeoutMs ?? 15_000;
  const options: SMTPTransport.Options = {
    host: config.host,
    port: config.port,
    secure: config.port === 465,
    requireTLS: config.starttls && config.port !== 465,
    ...(config.username ? { auth: { user: config.username, pass: config.password ?? '' } } : {}),
    tls: { ...(ca ? { ca } : {}), servername: config.host },
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout * 4,
    logger: false,
    debug: false,
  };
  return ok(nodemailer.createTransport(options));
}

/**
 * Sends prepared messages one by one. Fails as a whole (nothing sent) when the server cannot be
 * reached, refuses STARTTLS or the login; after that each message has its own result, and a message
 * without a valid recipient is not sent. Cancelling stops before the next message.
 */
export async function sendPrepared(
  config: SmtpSendConfig,
  prepared: PreparedMessage[],
  options: { signal?: AbortSignal } = {},
): Promise<Result<SendResult[]>> {
  const transport = await transportFor(config);
  if (!transport.ok) return transport;
  const t = transport.value;
  try {
    try {
      await t.verify();
    } catch (error) {
      return fail(
        smtpError(
          config,
          error,
          `The SMTP server ${config.host}:${config.port} refused the connection or the login`,
        ),
      );
    }
    const results: SendResult[] = [];
    for (const p of prepared) {
      const base = { targetProject: p.message.targetProject, to: p.message.to, messageId: p.messageId };
      if (options.signal?.aborted) {
        results.push({
          ...base,
          accepted: [],
          rejected: [],
          sentAt: new Date().toISOString(),
          error: { code: 'cancelled', message: 'Cancelled before this message was sent.' },
        });
        continue;
      }
      if (p.message.problems.length > 0) {
        results.push({
          ...base,
          accepted: [],
          rejected: p.message.to,
          sentAt: new Date().toISOString(),
          error: { code: 'validation', message: `Not sent: ${p.message.problems.join(' ')}` },
        });
        continue;
      }
      try {
        const info = await t.sendMail({
          envelope: { from: parseMailbox(p.message.from).address, to: p.message.to },
          raw: p.eml,
        });
        results.push({
          ...base,
          accepted: addresses(info.accepted),
          rejected: addresses(info.rejected),
          response: info.response,
          sentAt: new Date().toISOString(),
        });
      } catch (error) {
        const rejected = addresses((error as { rejected?: string[] }).rejected);
        results.push({
          ...base,
          accepted: [],
          rejected: rejected.length > 0 ? rejected : p.message.to,
          sentAt: new Date().toISOString(),
          error: smtpError(config, error, `Sending to ${p.message.to.join(', ')} failed`),
        });
      }
    }
    return ok(results);
  } finally {
    t.close();
  }
}

/** File name of a saved message: position, then the target project made safe for any file system. */
export function emlFileName(index: number, targetProject: string): string {
  const slug =
    targetProject
      .replace(/[^A-Za-z0-9._-]+/g, '_')
      .replace(/^[._]+/, '')
      .slice(0, 80) || 'project';
  return `${String(index + 1).padStart(3, '0')}-${slug}.eml`;
}

/** Saves each prepared message as a .eml file in `dir` (created if needed); returns the file paths. */
export async function saveEml(dir: string, messages: PreparedMessage[]): Promise<Result<string[]>> {
  try {
    await mkdir(dir, { recursive: true });
    const files: string[] = [];
    for (const [i, m] of messages.entries()) {
      const file = path.join(dir, emlFileName(i, m.message.targetProject));
      await writeFile(file, m.eml, 'utf8');
      files.push(file);
    }
    return ok(files);
  } catch (error) {
    return fail({
      code: 'internal',
      message: `Cannot save the messages in ${dir}: ${(error as Error).message}`,
      hint: 'Choose a folder you can write to.',
    });
  }
}
