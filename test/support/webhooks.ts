/** Talking to the webhook receiver (test/support/webhook-receiver.ts) and checking what it got, from inside workerd. */
import { expect, inject } from 'vitest';
import { randomString } from '../../src/lib/ids';
import { call } from './api';
import type { TestAccount } from './accounts';

/** Type only: the receiver itself runs in Node (global setup), this module inside workerd. */
import type { ReceivedRequest as Received } from './webhook-receiver';

/** A path of the receiver no other test uses, and its full URL. */
export function receiverPath(): { path: string; url: string } {
  const path = `/hooks/${randomString(12)}`;
  return { path, url: `${inject('webhookReceiverUrl')}${path}` };
}

async function control<T>(path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${inject('webhookReceiverUrl')}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await res.json()) as T;
}

/** The next requests to `path` are answered with these statuses, in order; then 200. */
export const planAnswers = (path: string, statuses: number[], delayMs = 0) => control('/__plan', { path, statuses, delay_ms: delayMs });

export const receivedAt = async (path: string) => (await control<{ data: Received[] }>(`/__requests?path=${encodeURIComponent(path)}`)).data;

/** Polls until `path` has received at least `count` requests; fails the test at the deadline. */
export async function waitForRequests(path: string, count: number, timeoutMs = 20_000): Promise<Received[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = await receivedAt(path);
    if (got.length >= count) return got;
    if (Date.now() > deadline) throw new Error(`${path} received ${got.length} of ${count} requests within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Polls `read` until `done` holds for its value; fails the test at the deadline. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The header's parts: the timestamp and every v1 value, in the order sent. */
export function signatureParts(request: Received): { t: string | undefined; v1: string[] } {
  const header = request.headers['gohirehumans-signature'] ?? '';
  const fields = header.split(',').map((part) => part.split('=') as [string, string]);
  return { t: fields.find(([k]) => k === 't')?.[1], v1: fields.filter(([k]) => k === 'v1').map(([, v]) => v) };
}

/** The v1 value `secret` gives this request's timestamp and body: hex HMAC-SHA256(secret, "<t>.<body>"). */
export async function expectedSignature(request: Received, secret: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${signatureParts(request).t}.${request.body}`));
  return Array.from(new Uint8Array(mac), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Checks GoHireHumans-Signature the way a receiver would, written here independently of the Worker's code:
 * `t=<seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, any of several v1 values, within five minutes.
 */
export async function signatureIsValid(request: Received, secret: string): Promise<boolean> {
  const { t, v1 } = signatureParts(request);
  if (!t || v1.length === 0 || Math.abs(Date.now() / 1000 - Number(t)) > 300) return false;
  return v1.includes(await expectedSignature(request, secret));
}

export async function createEndpoint(owner: TestAccount, url: string, events: string[], extra: Record<string, unknown> = {}) {
  const res = await call('/api/v1/webhook-endpoints', { token: owner.token, body: { url, events, ...extra } });
  expect(res.status, res.text).toBe(201);
  return res.body as {
    id: string;
    url: string;
    events: string[];
    description: string | null;
    previous_secret_expires_at: string | null;
    secret: string;
    created_at: string;
  };
}

/** Moves a task through the API as `who`, expecting 200. */
export async function act(taskId: string, action: string, who: TestAccount, body?: unknown) {
  const res = await call(`/api/v1/tasks/${taskId}/${action}`, { method: 'POST', token: who.token, body });
  expect(res.status, `${action}: ${res.text}`).toBe(200);
  return res.body;
}

export interface DeliveredEvent {
  id: string;
  type: string;
  created_at: string;
  data: { task: any; previous_status: string };
}

export const parsed = (request: Received) => JSON.parse(request.body) as DeliveredEvent;
