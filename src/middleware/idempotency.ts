import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppBindings } from '../context';
import { ApiError } from '../lib/errors';
import { formFingerprintText, isMultipart, readMultipart } from '../lib/multipart';
import { answerOnce, MAX_KEY_LENGTH, requestFingerprint, storedKey, type IdempotentOutcome } from '../services/idempotency';

/** For a route's `request.headers`, so the OpenAPI document shows the header (the middleware enforces it). */
export const IdempotencyKeyHeader = z.object({
  'Idempotency-Key': z
    .string()
    .min(1)
    .max(MAX_KEY_LENGTH)
    .optional()
    .openapi({
      param: { name: 'Idempotency-Key', in: 'header' },
      description:
        'Optional, 1..255 characters. Retrying with the same key and body within 24 h returns the first response (marked Idempotent-Replayed: true) without acting again.',
      example: 'create-task-7f3a2c',
    }),
});

export interface IdempotencyOptions {
  /**
   * Top-level response fields never stored: they are answered as null on a replay. For secrets shown once
   * (an API key), which must not sit in the idempotency table.
   */
  redact?: string[];
}

/** The stored copy of a response body, without the fields that must not be kept. */
function redactBody(body: string, fields: string[]): string {
  if (fields.length === 0) return body;
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    for (const field of fields) if (field in parsed) parsed[field] = null;
    return JSON.stringify(parsed);
  } catch {
    return body;
  }
}

/**
 * Idempotency-Key for state-changing POSTs. Runs after requireAuth (keys are per account) and before the route's
 * validators, so the exact first answer, whatever it was, is what a retry gets back. With a key, the whole request
 * runs inside one transaction that also stores its answer (services/idempotency.ts): the route and the services see
 * it as `c.var.db`, and the work they leave for after commit waits until it has ended.
 */
export const idempotency = idempotencyWith({});

export function idempotencyWith(options: IdempotencyOptions) {
  const redact = options.redact ?? [];
  return createMiddleware<AppBindings>(async (c, next) => {
    const key = c.req.header('Idempotency-Key');
    if (key === undefined) return next();
    if (key.length < 1 || key.length > MAX_KEY_LENGTH) {
      throw new ApiError('VALIDATION_ERROR', `Idempotency-Key must be 1..${MAX_KEY_LENGTH} characters.`, {
        details: [{ path: 'Idempotency-Key', message: `1..${MAX_KEY_LENGTH} characters` }],
      });
    }
    const url = new URL(c.req.url);
    // An upload is fingerprinted by its parts, not its bytes on the wire (see formFingerprintText).
    const body = isMultipart(c.req.header('Content-Type')) ? await formFingerprintText(await readMultipart(c)) : await c.req.text();
    const fingerprint = await requestFingerprint(`${c.req.method} ${url.pathname}`, url.search, body);
    const db = c.var.db;
    let outcome: IdempotentOutcome<void>;
    try {
      // Work the request defers waits inside answerOnce until the transaction ends, then goes to waitUntil.
      const afterTransaction = (work: () => Promise<unknown>) => c.executionCtx.waitUntil(work());
      outcome = await answerOnce(db, { userId: c.var.caller.id, key: storedKey(c.var.caller, key), fingerprint }, afterTransaction, async (tx, defer) => {
        c.set('db', tx);
        c.set('deferInTransaction', defer);
        await next();
        const res = c.res;
        const body = redactBody(await res.clone().text(), redact);
        return { result: undefined, stored: { status: res.status, body, contentType: res.headers.get('Content-Type') ?? 'application/json' } };
      });
    } finally {
      c.set('db', db);
      c.set('deferInTransaction', undefined);
    }

    if (outcome.kind === 'replay') {
      return c.body(outcome.answer.body, outcome.answer.status as ContentfulStatusCode, {
        'Content-Type': outcome.answer.contentType,
        'Idempotent-Replayed': 'true',
      });
    }
    if (outcome.kind === 'mismatch') {
      throw new ApiError('IDEMPOTENCY_MISMATCH', 'This Idempotency-Key was already used with a different request. Use a new key.');
    }
    if (outcome.kind === 'in_flight') {
      throw new ApiError('CONFLICT', 'A request with this Idempotency-Key is still being processed. Retry shortly.');
    }
  });
}

/**
 * The middleware, except for the requests `skip` picks out: those that change nothing (POST /tasks?dry_run=true)
 * store no answer, so the key stays free for the request that does act.
 */
export function idempotencyUnless(skip: (c: Context<AppBindings>) => boolean) {
  return createMiddleware<AppBindings>(async (c, next) => (skip(c) ? next() : idempotency(c, next)));
}
