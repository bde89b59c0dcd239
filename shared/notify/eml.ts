/**
 * Internet messages (RFC 5322 with MIME, RFC 2045/2047) for the owner notifications: a plain-text
 * UTF-8 body in quoted-printable, header fields encoded where they are not ASCII. The same text is
 * previewed, saved as a .eml file and sent over SMTP, so what the admin saw is what arrived.
 */
export interface EmlMessage {
  /** `addr@example.com` or `Display Name <addr@example.com>`. */
  from: string;
  to: string[];
  subject: string;
  text: string;
}

export interface EmlOptions {
  date: Date;
  /** Without angle brackets: `unique@domain`. */
  messageId: string;
  /** Extra `X-` header fields (ASCII names; values are encoded like the subject). */
  headers?: Record<string, string>;
}

const CRLF = '\r\n';
const encoder = new TextEncoder();

// A pragmatic addr-spec: dot-atom local part and domain, no quoting, no comments, no CR/LF.
const addrSpec =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;

/** An address the messages can carry in To/From and in the SMTP envelope. */
export function isEmailAddress(value: string): boolean {
  return value.length <= 254 && addrSpec.test(value) && !value.startsWith('.') && !value.includes('..');
}

/** Splits `Name <addr>` into its parts; a bare address has an empty name. */
export function parseMailbox(value: string): { name: string; address: string } {
  // Any character in the name (`.` would stop at U+2028 and refuse a good address); the address part
  // is checked by `isEmailAddress`.
  const m = /^\s*([\s\S]*?)\s*<([^<>]+)>\s*$/.exec(value);
  if (m) return { name: m[1]!.replace(/^"(.*)"$/, '$1'), address: m[2]!.trim() };
  return { name: '', address: value.trim() };
}

/** What makes a message unsendable (bad addresses, no recipient); empty when it can be sent. */
export function checkEml(message: EmlMessage): string[] {
  const problems: string[] = [];
  if (!isEmailAddress(parseMailbox(message.from).address))
    problems.push(`The sender ${message.from} is not an email address.`);
  if (message.to.length === 0) problems.push('The message has no recipient.');
  for (const to of message.to) if (!isEmailAddress(to)) problems.push(`${to} is not an email address.`);
  return problems;
}

/** RFC 5322 date: `Fri, 14 Mar 2025 09:00:00 +0000` (always UTC). */
export function rfc5322Date(date: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${days[date.getUTCDay()]}, ${p(date.getUTCDate())} ${months[date.getUTCMonth()]} ${date.getUTCFullYear()} ${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())} +0000`;
}

/** Header field text: CR and LF would start a new header field, so they become spaces. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]+/g, ' ');
}

function base64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/**
 * An unstructured header value: as is when printable ASCII, else RFC 2047 encoded-words (UTF-8,
 * base64) of at most 75 characters each, never splitting a character.
 */
export function encodeHeaderValue(value: string): string {
  const text = oneLine(value);
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  const words: string[] = [];
  let chunk = '';
  for (const ch of text) {
    // 45 bytes of UTF-8 become 60 base64 characters: with `=?UTF-8?B?` and `?=` under 75.
    if (encoder.encode(chunk + ch).length > 45) {
      words.push(chunk);
      chunk = '';
    }
    chunk += ch;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${base64(encoder.encode(w))}?=`).join(`${CRLF} `);
}

function mailbox(value: string): string {
  const { name, address } = parseMailbox(oneLine(value));
  if (!name) return address;
  const shown = /^[A-Za-z0-9 !#$%&'*+/=?^_`{|}~-]*$/.test(name) ? name : encodeHeaderValue(name);
  return `${shown} <${address}>`;
}

/** Folds a header field at `, ` separators so that lines stay under 78 characters. */
function addressList(name: string, values: string[]): string {
  let line = `${name}: `;
  const out: string[] = [];
  values.map(mailbox).forEach((v, i) => {
    const piece = i < values.length - 1 ? `${v},` : v;
    if (line.length + piece.length > 76 && line.trim() !== `${name}:`) {
      out.push(line.trimEnd());
      line = ' ';
    }
    line += `${piece} `;
  });
  out.push(line.trimEnd());
  return out.join(CRLF);
}

/**
 * Quoted-printable (RFC 2045 6.7) of UTF-8 text with CRLF line breaks: lines of at most 76
 * characters, soft breaks (`=`) that never split an `=XX` escape, trailing blanks encoded.
 */
export function quotedPrintable(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  return lines
    .map((line) => {
      const bytes = encoder.encode(line);
      const tokens: string[] = [];
      bytes.forEach((b, i) => {
        const last = i === bytes.length - 1;
        const plain = (b >= 33 && b <= 126 && b !== 61) || ((b === 32 || b === 9) && !last);
        tokens.push(plain ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, '0')}`);
      });
      const out: string[] = [];
      let current = '';
      for (const t of tokens) {
        if (current.length + t.length > 75) {
          out.push(`${current}=`);
          current = '';
        }
        current += t;
      }
      out.push(current);
      return out.join(CRLF);
    })
    .join(CRLF);
}

/** The message as a .eml file (CRLF line ends), ready to save or to send as is. */
export function renderEml(message: EmlMessage, options: EmlOptions): string {
  const headers = [
    `From: ${mailbox(message.from)}`,
    addressList('To', message.to),
    `Subject: ${encodeHeaderValue(message.subject)}`,
    `Date: ${rfc5322Date(options.date)}`,
    `Message-ID: <${oneLine(options.messageId).replace(/[<>\s]/g, '')}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: quoted-printable',
    ...Object.entries(options.headers ?? {})
      .filter(([name]) => /^X-[A-Za-z0-9-]+$/.test(name))
      .map(([name, value]) => `${name}: ${encodeHeaderValue(value)}`),
  ];
  return `${headers.join(CRLF)}${CRLF}${CRLF}${quotedPrintable(message.text)}${CRLF}`;
}
