/**
 * A receiver of the API's event webhooks for the test suite (Node side, 127.0.0.1, ephemeral port). Every request to
 * a path outside /__ is recorded with its headers and raw body, and answered as that path's plan says: the plan's
 * statuses in order, then 200. Tests use a fresh random path each, so they never see one another's deliveries.
 *
 * Controls:
 *   POST /__plan {path, statuses: [500, 500], delay_ms?}   how the next requests to `path` are answered
 *   GET  /__requests?path=/hooks/abc                         what `path` received, oldest first
 */
import http from 'node:http';

export interface ReceivedRequest {
  path: string;
  method: string;
  headers: Record<string, string>;
  body: string;
  /** Epoch milliseconds when the request arrived. */
  at: number;
  /** The status it was answered with. */
  status: number;
}

interface Plan {
  statuses: number[];
  delayMs: number;
}

export interface WebhookReceiver {
  url: string;
  close: () => Promise<void>;
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedRequest[] = [];
  const plans = new Map<string, Plan>();

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://receiver');
    const body = await readBody(req);
    if (url.pathname === '/__plan') {
      const { path, statuses = [], delay_ms = 0 } = JSON.parse(body) as { path: string; statuses?: number[]; delay_ms?: number };
      plans.set(path, { statuses: [...statuses], delayMs: delay_ms });
      return sendJson(res, 200, { ok: true });
    }
    if (url.pathname === '/__requests') {
      const path = url.searchParams.get('path');
      return sendJson(res, 200, { data: received.filter((r) => r.path === path) });
    }
    const at = Date.now();
    const plan = plans.get(url.pathname);
    const status = plan?.statuses.shift() ?? 200;
    if (plan?.delayMs) await new Promise((resolve) => setTimeout(resolve, plan.delayMs));
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : (v ?? '')]));
    received.push({ path: url.pathname, method: req.method ?? 'GET', headers, body, at, status });
    sendJson(res, status, { received: status < 300 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
