import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * The few HTTP helpers the emulator needs. Error bodies follow workloadmgr's WSGI fault wrapper
 * (inherited from Cinder): `{"<kind>": {"message": "...", "code": N}}`, with the kind named after
 * the status (`badRequest`, `itemNotFound`, `forbidden`, `computeFault`). The 401 comes from
 * keystonemiddleware, which answers before workloadmgr sees the request.
 */

const faultKinds: Record<number, string> = {
  400: 'badRequest',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'HTTPMethodNotAllowed',
  409: 'conflictingRequest',
  413: 'overLimit',
  500: 'computeFault',
  503: 'serviceUnavailable',
};

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string): HttpError => new HttpError(400, message);
export const notFound = (message: string): HttpError => new HttpError(404, message);
export const forbidden = (message: string): HttpError => new HttpError(403, message);

/** workloadmgr's policy check (`rule:admin_api` for a caller without the admin role). */
export const policyRefusal = (action: string): HttpError =>
  new HttpError(403, `Policy doesn't allow ${action} to be performed.`);

export function faultBody(status: number, message: string): unknown {
  if (status === 401)
    return {
      error: {
        code: 401,
        title: 'Unauthorized',
        message: 'The request you have made requires authentication.',
      },
    };
  return { [faultKinds[status] ?? 'computeFault']: { message, code: status } };
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    ...(text ? { 'Content-Type': 'application/json' } : {}),
    'Content-Length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** The request body (at most 4 MiB), parsed as JSON; undefined when empty. */
export async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 4 * 1024 * 1024) throw new HttpError(413, 'Request body is too large.');
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw badRequest('Malformed request body');
  }
}

/** A plain JSON object (not an array or null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
