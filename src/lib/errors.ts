import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DATABASE_RETRY_AFTER_SECONDS, isDatabaseUnavailable, logDatabaseUnavailable, refusedValueState } from './db-errors';

/** Every error code the API can answer with, and the HTTP status it always carries. */
export const ERROR_STATUS = {
  VALIDATION_ERROR: 400,
  INVALID_JSON: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  HTTPS_REQUIRED: 403,
  SPENDING_LIMIT: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  INVALID_STATE: 409,
  EMAIL_TAKEN: 409,
  INSUFFICIENT_BALANCE: 409,
  EVIDENCE_REQUIRED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  IDEMPOTENCY_MISMATCH: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  PAYMENTS_UNAVAILABLE: 503,
  SERVICE_UNAVAILABLE: 503,
} as const satisfies Record<string, ContentfulStatusCode>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorDetail {
  path: string;
  message: string;
}

export interface ApiErrorOptions {
  details?: ErrorDetail[];
  /** Extra response headers, e.g. Retry-After on RATE_LIMITED. */
  headers?: Record<string, string>;
}

/** The one error class. Thrown from anywhere below a route; rendered once by `renderError`. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly status: ContentfulStatusCode;
  readonly details?: ErrorDetail[];
  readonly headers?: Record<string, string>;

  constructor(code: ErrorCode, message: string, options: ApiErrorOptions = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.details = options.details;
    this.headers = options.headers;
  }
}

export const notFound = (what: string) => new ApiError('NOT_FOUND', `${what} not found.`);

/** The answer while the database cannot be reached (see db-errors.ts): a retry after a short wait can succeed. */
export const databaseUnavailable = () =>
  new ApiError('SERVICE_UNAVAILABLE', 'The database is not answering. Retry shortly.', {
    headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) },
  });

export interface ErrorBody {
  error: { code: ErrorCode; message: string; request_id: string; details?: ErrorDetail[] };
}

/** Turns anything thrown into an ApiError; unknown errors become INTERNAL and are logged, never shown. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof HTTPException) {
    // Hono's own validators and middleware throw these; keep their status, speak our shape.
    if (err.status === 400 && /malformed json/i.test(err.message)) {
      return new ApiError('INVALID_JSON', 'The request body is not valid JSON.');
    }
    if (err.status === 413) return new ApiError('PAYLOAD_TOO_LARGE', 'The request body is too large.');
    // The OpenAPI router refuses bodies that are not JSON with 415; the contract's code for that is a 400.
    if (err.status === 415) return new ApiError('INVALID_JSON', 'Send the request body as JSON (Content-Type: application/json).');
    if (err.status === 401) return new ApiError('UNAUTHORIZED', 'Authentication required.');
    if (err.status === 404) return new ApiError('NOT_FOUND', 'Not found.');
    if (err.status === 400) return new ApiError('VALIDATION_ERROR', err.message || 'Bad request.');
  }
  if (isDatabaseUnavailable(err)) return databaseUnavailable();
  const state = refusedValueState(err);
  if (state) {
    // Logged: each one is a field validation should have named.
    console.warn(JSON.stringify({ level: 'warn', message: `database refused a value (SQLSTATE ${state})`, error: String(err) }));
    return new ApiError('VALIDATION_ERROR', 'The request holds a value the database cannot store (for example a NUL character or a number out of range).');
  }
  return new ApiError('INTERNAL', 'Something went wrong on our side. Quote the request id if you contact support.');
}

export function errorBody(err: ApiError, requestId: string): ErrorBody {
  const error: ErrorBody['error'] = { code: err.code, message: err.message, request_id: requestId };
  if (err.details && err.details.length > 0) error.details = err.details;
  return { error };
}

/** What an INTERNAL error hides from the caller goes to the log, under the request id the caller was given. */
export function logInternalError(requestId: string, thrown: unknown): void {
  console.error(
    JSON.stringify({
      level: 'error',
      request_id: requestId,
      message: thrown instanceof Error ? thrown.message : String(thrown),
      stack: thrown instanceof Error ? thrown.stack : undefined,
    }),
  );
}

/** The single place an error becomes a response (app.onError and notFound both land here). */
export function renderError(c: Context, thrown: unknown): Response {
  const err = toApiError(thrown);
  const requestId = (c.get('requestId') as string | undefined) ?? 'req_unknown';
  if (err.code === 'INTERNAL') logInternalError(requestId, thrown);
  else if (err !== thrown && err.code === 'SERVICE_UNAVAILABLE') logDatabaseUnavailable(requestId, thrown);
  // RFC 9110: a 401 names the scheme it wants.
  if (err.status === 401) c.header('WWW-Authenticate', 'Bearer realm="gohirehumans"');
  if (err.headers) for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
  return c.json(errorBody(err, requestId), err.status);
}
