/**
 * What lets the Neon driver reach a plain Postgres on this machine, on one port: its SQL-over-HTTP endpoint
 * (`POST /sql`, see ./sql-over-http.ts) for single statements and batches, and a WebSocket-to-TCP relay for the
 * interactive transactions of its Pool: the driver asks for `ws://127.0.0.1:PORT/v2?address=HOST:PORT`; we open that
 * TCP connection and pipe bytes both ways. Only loopback targets are served, so it is not an open proxy.
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import net from 'node:net';
import type { WebSocketServer as WebSocketServerType } from 'ws';
import { sqlOverHttp } from './sql-over-http';

// Loaded through require: bundlers that prefer the 'browser' condition would otherwise pick ws's browser stub.
const { WebSocketServer } = createRequire(import.meta.url)('ws') as { WebSocketServer: typeof WebSocketServerType };

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

export interface Relay {
  port: number;
  close: () => Promise<void>;
}

export async function startRelay(port = 0): Promise<Relay> {
  const sql = sqlOverHttp();
  const httpServer = http.createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://relay').pathname;
    if (req.method === 'POST' && path === '/sql') sql.handle(req, res);
    else if (req.method === 'GET' && path === '/stats') sql.stats(req, res);
    else res.writeHead(404, { 'content-type': 'text/plain' }).end('POST /sql, GET /stats, or a WebSocket to /v2');
  });
  // Workers keep their fetch connections to the endpoint alive between requests, as they would to Neon's.
  httpServer.keepAliveTimeout = 60_000;
  const server = new WebSocketServer({ server: httpServer });
  server.on('connection', (socket, request) => {
    const address = new URL(request.url ?? '/', 'ws://relay').searchParams.get('address') ?? '';
    const separator = address.lastIndexOf(':');
    const host = address.slice(0, separator).replace(/^\[|\]$/g, '');
    const targetPort = Number(address.slice(separator + 1));
    if (!LOOPBACK_HOSTS.has(host) || !Number.isInteger(targetPort)) {
      socket.close(1008, 'only loopback targets are relayed');
      return;
    }
    const tcp = net.connect({ host, port: targetPort });
    tcp.setNoDelay(true);
    const pending: Buffer[] = [];
    tcp.on('connect', () => {
      for (const chunk of pending.splice(0)) tcp.write(chunk);
    });
    socket.on('message', (data: Buffer) => {
      if (tcp.connecting) pending.push(data);
      else tcp.write(data);
    });
    tcp.on('data', (data) => socket.readyState === socket.OPEN && socket.send(data));
    socket.on('close', () => tcp.destroy());
    socket.on('error', () => tcp.destroy());
    tcp.on('close', () => socket.close());
    tcp.on('error', () => socket.terminate());
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, '127.0.0.1', resolve);
  });
  const bound = httpServer.address();
  return {
    port: typeof bound === 'object' && bound ? bound.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => {
          httpServer.closeAllConnections();
          httpServer.close(() => void sql.close().then(resolve, resolve));
        });
      }),
  };
}
