import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through HTTP proxy in front of a real lab service (Keystone, Neutron) that can answer the
 * next matching requests itself with a status, or hold them for a while, the way the Trilio
 * emulator's `/_lab/faults` does for Trilio. The real services stay untouched; the client under test
 * is pointed at the proxy. `rewrite` replaces text in answers (the Keystone proxy points the catalog's
 * Neutron URL at the Neutron proxy). Every request is recorded, with the token Keystone issued if any.
 */
export interface ProxyFault {
  method?: string;
  /** Matched against the path with its query. */
  pathRegex: RegExp;
  status?: number;
  delayMs?: number;
  count: number;
  /** Let this many matching requests through first. */
  skip?: number;
}

export interface ProxiedRequest {
  method: string;
  path: string;
  /** The status sent back; undefined when the client gave up first. */
  status?: number;
  injected: boolean;
}

export class FaultProxy {
  readonly seen: ProxiedRequest[] = [];
  /** `X-Subject-Token`s Keystone issued through this proxy, oldest first. */
  readonly tokens: string[] = [];
  private faults: (ProxyFault & { left: number; toSkip: number })[] = [];
  private server: http.Server | undefined;
  private readonly upstream: URL;

  constructor(
    upstream: string,
    private readonly rewrite: () => [string, string][] = () => [],
  ) {
    this.upstream = new URL(upstream);
  }

  /** Listens on a free loopback port; returns the upstream URL with the proxy's origin (path kept). */
  async start(): Promise<string> {
    this.server = http.createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `${this.origin}${this.upstream.pathname.replace(/\/+$/, '')}`;
  }

  get origin(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  inject(fault: ProxyFault): void {
    this.faults.push({ ...fault, left: fault.count, toSkip: fault.skip ?? 0 });
  }

  clear(): void {
    this.faults = [];
  }

  /** Requests seen whose method and path match. */
  count(method: string, pathPattern: RegExp): number {
    return this.seen.filter((r) => r.method === method && pathPattern.test(r.path)).length;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private take(method: string, path: string): ProxyFault | undefined {
    const fault = this.faults.find(
      (f) => (f.method === undefined || f.method === method) && f.pathRegex.test(path),
    );
    if (!fault) return undefined;
    if (fault.toSkip > 0) {
      fault.toSkip -= 1;
      return undefined;
    }
    fault.left -= 1;
    if (fault.left <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault;
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const entry: ProxiedRequest = { method, path, injected: false };
    this.seen.push(entry);
    const body = await readAll(req);
    const fault = this.take(method, path);
    if (fault?.delayMs) {
      const gone = await held(res, fault.delayMs);
      if (gone) return;
    }
    if (fault?.status) {
      entry.injected = true;
      entry.status = fault.status;
      const text = JSON.stringify({
        error: {
          code: fault.status,
          title: 'Injected fault',
          message: `Injected fault ${fault.status} (lab)`,
        },
      });
      res.writeHead(fault.status, {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(text),
      });
      res.end(text);
      return;
    }
    const forward = http.request(
      {
        host: this.upstream.hostname,
        port: this.upstream.port,
        method,
        path,
        headers: { ...req.headers, host: this.upstream.host },
      },
      (answer) => {
        void readAll(answer).then((raw) => {
          const token = answer.headers['x-subject-token'];
          if (typeof token === 'string') this.tokens.push(token);
          let out = raw;
          const swaps = this.rewrite();
          if (swaps.length > 0 && /json/.test(String(answer.headers['content-type']))) {
            let text = raw.toString('utf8');
            for (const [from, to] of swaps) text = text.replaceAll(from, to);
            out = Buffer.from(text);
          }
          entry.status = answer.statusCode;
          const headers = { ...answer.headers, 'content-length': String(out.length) };
          delete headers['transfer-encoding'];
          res.writeHead(answer.statusCode ?? 502, headers);
          res.end(out);
        });
      },
    );
    forward.on('error', () => res.destroy());
    forward.end(body);
  }
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

/** Waits `ms`, or less when the client hangs up; resolves true when it did. */
function held(res: http.ServerResponse, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(false);
    }, ms);
    const onClose = () => {
      clearTimeout(timer);
      resolve(true);
    };
    res.once('close', onClose);
  });
}
