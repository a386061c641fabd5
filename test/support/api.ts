/** Calls the Worker under test through its fetch handler, exactly as a client would. */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { exports } from 'cloudflare:workers';
import worker from '../../src/index';

export const BASE = 'http://127.0.0.1:8787';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
  /** The body's exact bytes (a download's content). */
  bytes: Uint8Array;
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  /** A JWT or an API key, sent as a bearer token. */
  token?: string;
  headers?: Record<string, string>;
  /** Send `body` exactly as given (already a string). */
  raw?: boolean;
  /** A multipart/form-data body (an upload); fetch sets its Content-Type and boundary. */
  form?: FormData;
  /** Vars or bindings to override for this request (e.g. stricter rate limits); the rest of the test env stays. */
  env?: Record<string, unknown>;
  /** Another scheme and host than BASE, e.g. https://api.example.com for production-mode requests. */
  origin?: string;
  /** Also wait for the work the request left to waitUntil (the Stripe calls it recorded). */
  settle?: boolean;
}

export async function call<T = any>(path: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
  const headers = new Headers(options.headers);
  if (options.token) headers.set('Authorization', `Bearer ${options.token}`);
  let body: string | FormData | undefined;
  if (options.form !== undefined) {
    body = options.form;
  } else if (options.body !== undefined) {
    body = options.raw ? String(options.body) : JSON.stringify(options.body);
    if (!headers.has('Content-Type')) headers.set('Content-Type', 'application/json');
  }
  const method = options.method ?? (body === undefined ? 'GET' : 'POST');
  const request = new Request(`${options.origin ?? BASE}${path}`, { method, headers, body });
  let res: Response;
  if (options.env || options.settle) {
    const ctx = createExecutionContext();
    res = await worker.fetch(request, { ...env, ...options.env } as typeof env, ctx);
    await waitOnExecutionContext(ctx);
  } else {
    res = await exports.default.fetch(request);
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  let parsed: unknown = text;
  if (res.headers.get('content-type')?.includes('application/json')) parsed = JSON.parse(text);
  await assertDocumented(method, path, res.status, text);
  return { status: res.status, headers: res.headers, body: parsed as T, text, bytes };
}

interface DocumentedOperation {
  name: string;
  method: string;
  pattern: RegExp;
  /** Path segments that are not parameters: the more, the more specific (/tasks/wait over /tasks/{id}). */
  literals: number;
  statuses: Set<string>;
}

const segments = (template: string) => template.split('/');
const escapeRegExp = (text: string) => text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
/** /api/v1/tasks/{id} matches /api/v1/tasks/task_abc, one segment per parameter. */
const templatePattern = (template: string) =>
  new RegExp(`^${segments(template).map((s) => (s.startsWith('{') ? '[^/]+' : escapeRegExp(s))).join('/')}$`);

/** /openapi.json's operations, read once per test file (each file runs in its own module instance). */
let documented: Promise<DocumentedOperation[]> | undefined;

function documentedOperations(): Promise<DocumentedOperation[]> {
  documented ??= (async () => {
    const doc = (await (await exports.default.fetch(new Request(`${BASE}/openapi.json`))).json()) as {
      paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
    };
    return Object.entries(doc.paths).flatMap(([template, item]) =>
      Object.entries(item).map(([method, op]) => ({
        name: `${method.toUpperCase()} ${template}`,
        method: method.toUpperCase(),
        pattern: templatePattern(template),
        literals: segments(template).filter((segment) => segment && !segment.startsWith('{')).length,
        statuses: new Set(Object.keys(op.responses ?? {})),
      })),
    );
  })();
  return documented;
}

/**
 * Every answer a test sees must be one /openapi.json promises for that operation: a status the document does not
 * list fails the test that met it. Paths that are not operations (pages, /docs, unknown routes) are not checked.
 */
async function assertDocumented(method: string, path: string, status: number, text: string): Promise<void> {
  const pathname = path.split('?')[0]!;
  const candidates = (await documentedOperations()).filter((op) => op.method === method && op.pattern.test(pathname));
  const operation = candidates.sort((a, b) => b.literals - a.literals)[0];
  if (!operation || operation.statuses.has(String(status)) || operation.statuses.has('default')) return;
  throw new Error(
    `${method} ${pathname} answered ${status}, which /openapi.json does not document for ${operation.name} ` +
      `(documented: ${[...operation.statuses].join(', ')}). Body: ${text.slice(0, 300)}`,
  );
}

/** Vars a production Worker needs to pass its configuration check (the test env supplies the rest). */
export const PRODUCTION_VARS = {
  ENVIRONMENT: 'production',
  JWT_SIGNING_KEYS: '[{"kid":"k1","secret":"0123456789abcdef0123456789abcdef"}]',
  STRIPE_SECRET_KEY: 'sk_test_x',
  STRIPE_WEBHOOK_SECRET: 'whsec_x',
};

export { env };
