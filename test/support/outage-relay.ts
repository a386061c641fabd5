/**
 * A database connection that a test can break (Node side, 127.0.0.1, ephemeral ports): a TCP pass-through in front
 * of the suite's WebSocket relay. A Worker given its port as DB_RELAY_PORT reaches Postgres exactly as through the
 * relay, until the test takes the database away. Only the requests a test points at it are affected.
 *
 * Controls (POST, no body; each answers { mode, cut }, `cut` the number of open connections it dropped):
 *   /__down   drop every open connection (reset) and refuse new ones: a database that went away
 *   /__hang   drop every open connection and accept new ones that never answer: a database host that is unreachable
 *   /__up     pass connections through again
 */
import http from 'node:http';
import net from 'node:net';

export type OutageMode = 'up' | 'down' | 'hang';

export interface OutageRelay {
  /** The port to give the Worker as DB_RELAY_PORT. */
  port: number;
  /** Where the controls listen. */
  controlUrl: string;
  close: () => Promise<void>;
}

const listen = (server: net.Server) =>
  new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port));
  });

export async function startOutageRelay(relayPort: number): Promise<OutageRelay> {
  let mode: OutageMode = 'up';
  const open = new Set<net.Socket>();

  const cutAll = (): number => {
    const cut = open.size;
    for (const socket of open) socket.resetAndDestroy();
    open.clear();
    return cut;
  };

  const proxy = net.createServer((client) => {
    client.on('error', () => client.destroy());
    if (mode === 'down') {
      client.resetAndDestroy();
      return;
    }
    open.add(client);
    client.on('close', () => open.delete(client));
    // Hanging: the connection is accepted and everything sent on it is dropped, as by a firewall that eats packets.
    if (mode === 'hang') {
      client.resume();
      return;
    }
    const upstream = net.connect({ host: '127.0.0.1', port: relayPort });
    upstream.setNoDelay(true);
    client.setNoDelay(true);
    client.pipe(upstream);
    upstream.pipe(client);
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });

  const control = http.createServer((req, res) => {
    const wanted = /^\/__(up|down|hang)$/.exec(new URL(req.url ?? '/', 'http://control').pathname)?.[1] as OutageMode | undefined;
    if (req.method !== 'POST' || !wanted) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'POST /__up, /__down or /__hang' }));
      return;
    }
    mode = wanted;
    const cut = wanted === 'up' ? 0 : cutAll();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ mode, cut }));
  });

  const port = await listen(proxy);
  const controlPort = await listen(control);
  return {
    port,
    controlUrl: `http://127.0.0.1:${controlPort}`,
    close: async () => {
      cutAll();
      await Promise.all([new Promise((resolve) => proxy.close(resolve)), new Promise((resolve) => control.close(resolve))]);
    },
  };
}
