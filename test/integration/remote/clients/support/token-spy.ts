import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through HTTP proxy in front of Keystone that remembers the tokens Keystone issues through it
 * (the `X-Subject-Token` of each login). The session under test never hands its token out; this is
 * how a test gets hold of it to revoke it behind the session's back, like another admin would.
 */
export class TokenSpy {
  readonly issued: string[] = [];
  private server: http.Server | undefined;

  constructor(private readonly upstream: string) {}

  /** Starts on a free loopback port; returns the auth URL to give the session (`…/v3`). */
  async start(): Promise<string> {
    const target = new URL(this.upstream);
    this.server = http.createServer((req, res) => {
      const forward = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
        (answer) => {
          const token = answer.headers['x-subject-token'];
          if (req.method === 'POST' && typeof token === 'string') this.issued.push(token);
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      forward.on('error', () => res.destroy());
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${target.pathname.replace(/\/+$/, '')}`;
  }

  get last(): string {
    const token = this.issued.at(-1);
    if (!token) throw new Error('no token was issued through the spy');
    return token;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
