import { z } from '@hono/zod-openapi';
import { ERROR_STATUS, type ErrorCode } from './errors';

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]]),
      message: z.string(),
      request_id: z.string().openapi({ example: 'req_3fZ8kQ2mN7pL1xVa' }),
      details: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
    }),
  })
  .openapi('Error', { example: { error: { code: 'NOT_FOUND', message: 'Task not found.', request_id: 'req_3fZ8kQ2mN7pL1xVa' } } });

export function json<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { 'application/json': { schema } } } as const;
}

/** Request body that must be JSON and present. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { 'application/json': { schema } } } as const;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'Invalid request (VALIDATION_ERROR, INVALID_JSON)',
  401: 'Missing or invalid credentials (UNAUTHORIZED)',
  403: 'Not allowed (FORBIDDEN, SPENDING_LIMIT; HTTPS_REQUIRED for plain HTTP in production)',
  404: 'Not found, or not yours (NOT_FOUND)',
  405: 'Method not allowed here (METHOD_NOT_ALLOWED); see Allow',
  409: 'Conflict with the current state (CONFLICT, INVALID_STATE, EMAIL_TAKEN, INSUFFICIENT_BALANCE, EVIDENCE_REQUIRED)',
  413: 'Body too large (PAYLOAD_TOO_LARGE)',
  415: 'File type not accepted, or its bytes are not of the type it declares (UNSUPPORTED_MEDIA_TYPE)',
  422: 'Idempotency-Key reused with another body (IDEMPOTENCY_MISMATCH)',
  429: 'Too many requests (RATE_LIMITED); see Retry-After',
  503: 'Unavailable (SERVICE_UNAVAILABLE: the database is not answering, with Retry-After, or the service is not configured; PAYMENTS_UNAVAILABLE: Stripe is not reachable)',
};

const RETRY_AFTER = {
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'integer' as const, minimum: 1 } },
};

/**
 * What the middleware in front of every route can answer, whatever the route: 400 (malformed input), 403
 * HTTPS_REQUIRED (plain HTTP in production), 413 (the body cap), 500, and 503 (the database down, or production
 * without its secrets).
 */
const EVERY_ROUTE = [400, 403, 413, 500, 503];

/**
 * The shared error responses every route spreads into its `responses`: EVERY_ROUTE plus the statuses the route
 * itself can answer. A route that takes credentials (401) also answers 429: requireAuth counts every signed-in
 * request against the caller's limit. A route behind the idempotency middleware lists 409 (the same key still in
 * flight) and 422 (the key reused with another body).
 */
export function errorResponses(...statuses: (keyof typeof STATUS_TEXT)[]) {
  const all = [...EVERY_ROUTE, ...statuses, ...(statuses.includes(401) ? [429] : [])];
  return Object.fromEntries(
    [...new Set(all)].map((status) => {
      const response = json(ErrorSchema, STATUS_TEXT[status] ?? 'Internal error (INTERNAL)');
      return [status, status === 429 || status === 503 ? { ...response, headers: RETRY_AFTER } : response];
    }),
  );
}

/** Security requirement for routes that take a JWT or an API key. */
export const signedIn: Record<string, string[]>[] = [{ bearerAuth: [] }, { apiKeyAuth: [] }];

/**
 * A resource id in the path: the prefix, `_`, and letters and digits (issued ids have 16; up to 64 are accepted).
 * Anything else names nothing, so the validation hook answers it as the route's 404 with `message` (the same words
 * as for an unknown id), before any query: no NUL, overlong or odd text reaches the database as an id.
 */
export function pathId(name: string, prefix: string, message: string, example: string) {
  return z
    .string()
    .regex(new RegExp(`^${prefix}_[0-9A-Za-z]{1,64}$`), message)
    .openapi({ param: { name, in: 'path' }, example });
}
