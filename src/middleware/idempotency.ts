import { z } from '@hono/zod-openapi';
import { createMiddleware } from 'hono/factory';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppBindings } from '../context';
import { ApiError } from '../lib/errors';
import { claimKey, isStorable, MAX_KEY_LENGTH, releaseClaim, requestFingerprint, storeResponse } from '../services/idempotency';

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
 * Idempotency-Key for state-changing POSTs. Runs after requireAuth (keys are per account) and before the
 * route's validators, so the exact first answer, whatever it was, is what a retry gets back.
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
    const db = c.var.db;
    const url = new URL(c.req.url);
    const fingerprint = await requestFingerprint(c.req.method, url.pathname + url.search, await c.req.text());
    const outcome = await claimKey(db, c.var.caller.id, key, fingerprint);

    if (outcome.kind === 'replay') {
      return c.body(outcome.body, outcome.status as ContentfulStatusCode, {
        'Content-Type': outcome.contentType,
        'Idempotent-Replayed': 'true',
      });
    }
    if (outcome.kind === 'mismatch') {
      throw new ApiError('IDEMPOTENCY_MISMATCH', 'This Idempotency-Key was already used with a different request. Use a new key.');
    }
    if (outcome.kind === 'in_flight') {
      throw new ApiError('CONFLICT', 'A request with this Idempotency-Key is still being processed. Retry shortly.');
    }

    try {
      await next();
    } catch (err) {
      await releaseClaim(db, outcome.claim);
      throw err;
    }
    const res = c.res;
    if (!isStorable(res.status)) {
      // Transient (5xx, 429): free the key so a retry can act.
      await releaseClaim(db, outcome.claim);
      return;
    }
    try {
      const body = redactBody(await res.clone().text(), redact);
      await storeResponse(db, outcome.claim, { status: res.status, body, contentType: res.headers.get('Content-Type') ?? 'application/json' });
    } catch (err) {
      // The action already happened: answer with its real response. The claim stays in flight, so a retry is
      // refused (409) until the lock times out rather than acting twice right away.
      console.error(JSON.stringify({ level: 'error', request_id: c.var.requestId, message: `idempotency store: ${String(err)}` }));
    }
  });
}
