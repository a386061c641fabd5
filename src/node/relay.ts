/**
 * WebSocket-to-TCP relay: lets the Neon driver (which only speaks WebSocket) reach a plain Postgres on this
 * machine. Neon's driver asks for `ws://127.0.0.1:PORT/v2?address=HOST:PORT`; we open that TCP connection and
 * pipe bytes both ways. Only loopback targets are relayed, so it is not an open proxy.
 */
import { createRequire } from 'node:module';
import net from 'node:net';
import type { WebSocketServer as WebSocketServerType } from 'ws';

// Loaded through require: bundlers that prefer the 'browser' condition would otherwise pick ws's browser stub.
const { WebSocketServer } = createRequire(import.meta.url)('ws') as { WebSocketServer: typeof WebSocketServerType };

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

export interface Relay {
  port: number;
  close: () => Promise<void>;
}

export async function startRelay(port = 0): Promise<Relay> {
  const server = new WebSocketServer({ host: '127.0.0.1', port });
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
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const bound = server.address();
  return {
    port: typeof bound === 'object' && bound ? bound.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}
