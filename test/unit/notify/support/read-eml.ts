/**
 * A small reader of the messages the notifier writes (for tests): unfolds the header, decodes
 * RFC 2047 encoded words and the quoted-printable body. Deliberately independent of shared/notify.
 */
export interface ReadEml {
  headers: Map<string, string>;
  /** Header lines as written (folded lines joined), for syntax checks. */
  rawHeader: string;
  body: string;
}

function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=/gi, (_, b64: string) =>
      Buffer.from(b64, 'base64').toString('utf8'),
    );
}

export function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const c = joined[i]!;
    if (c === '=' && /^[0-9A-F]{2}$/.test(joined.slice(i + 1, i + 3))) {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

export function readEml(eml: string): ReadEml {
  const split = eml.indexOf('\r\n\r\n');
  if (split < 0) throw new Error('no header/body separator (CRLF CRLF)');
  const rawHeader = eml.slice(0, split);
  const headers = new Map<string, string>();
  for (const field of rawHeader.split(/\r\n(?![ \t])/)) {
    const colon = field.indexOf(':');
    headers.set(
      field.slice(0, colon).toLowerCase(),
      decodeWords(
        field
          .slice(colon + 1)
          .replace(/\r\n[ \t]/g, ' ')
          .trim(),
      ),
    );
  }
  const body = eml.slice(split + 4);
  const qp = headers.get('content-transfer-encoding')?.toLowerCase() === 'quoted-printable';
  return { headers, rawHeader, body: qp ? decodeQuotedPrintable(body) : body };
}
