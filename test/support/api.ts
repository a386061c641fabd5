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
}

export interface CallOptions {
  method?: string;
  body?: unknown;
  /** A JWT or an API key, sent as a bearer token. */
  token?: string;
  headers?: Record<string, string>;
  /** Send `body` exactly as given (already a string). */
  raw?: boolean;
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
  let body: string | undefined;
  if (options.body !== undefined) {
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
  const text = await res.text();
  let parsed: unknown = text;
  if (res.headers.get('content-type')?.includes('application/json')) parsed = JSON.parse(text);
  return { status: res.status, headers: res.headers, body: parsed as T, text };
}

/** Vars a production Worker needs to pass its configuration check (the test env supplies the rest). */
export const PRODUCTION_VARS = {
  ENVIRONMENT: 'production',
  JWT_SIGNING_KEYS: '[{"kid":"k1","secret":"0123456789abcdef0123456789abcdef"}]',
  STRIPE_SECRET_KEY: 'sk_test_x',
  STRIPE_WEBHOOK_SECRET: 'whsec_x',
};

export { env };
