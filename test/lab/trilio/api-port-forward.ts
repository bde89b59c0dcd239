import { connect, createServer } from 'node:net';

/**
 * `node --import tsx api-port-forward.ts <host> <listen port> <target port> [<port file>]` (the port
 * file, unused here, puts the lab's directory on the command line): a loopback TCP relay, so
 * the Trilio emulator (always on 8780, where the lab's own controls and tests reach it) also answers
 * on the port the flavor's installer registers in the catalog (8781 on Kolla, OpenStack-Ansible and
 * director). Started and stopped by `ensureApiPort` in trilio-service.ts.
 */
const [host = '127.0.0.1', listen = '', target = ''] = process.argv.slice(2);
const listenPort = Number(listen);
const targetPort = Number(target);
if (!Number.isInteger(listenPort) || !Number.isInteger(targetPort)) {
  console.error('usage: api-port-forward.ts <host> <listen port> <target port>');
  process.exit(2);
}

const server = createServer((client) => {
  const upstream = connect(targetPort, host);
  client.pipe(upstream).pipe(client);
  const close = (): void => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
});
server.listen(listenPort, host, () =>
  console.log(
    `${new Date().toISOString()} relaying ${host}:${listenPort} → ${host}:${targetPort} (pid ${process.pid})`,
  ),
);
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.on(signal, () => {
    server.close();
    process.exit(0);
  });
