import { createMiddleware } from 'hono/factory';
import type { AppBindings } from '../context';
import { openDb } from '../db/client';
import { missingProductionSecrets, isProduction, type AppEnv } from '../env';
import { ApiError } from '../lib/errors';
import { newId } from '../lib/ids';
import { signingKeysProblem } from '../services/tokens';
import { secretsKeyProblem } from '../services/webhooks/secret-box';

/** Request id on every response and one JSON log line per request. Outermost, so it sees every status. */
export const requestIdAndLog = createMiddleware<AppBindings>(async (c, next) => {
  const started = Date.now();
  const requestId = newId('req');
  c.set('requestId', requestId);
  await next();
  c.header('X-Request-Id', requestId);
  if (c.env.LOG_REQUESTS !== 'false') {
    console.log(
      JSON.stringify({
        level: 'info',
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Date.now() - started,
        request_id: requestId,
      }),
    );
  }
});

/** What is wrong with the configured keys, or null when every one is usable. */
function configuredKeysProblem(env: AppEnv): string | null {
  const jwt = signingKeysProblem(env);
  if (jwt) return `JWT_SIGNING_KEYS: ${jwt}`;
  return secretsKeyProblem(env);
}

/** Production refuses to serve without its secrets (or with unusable ones) rather than run half-configured. */
export const requireConfiguration = createMiddleware<AppBindings>(async (c, next) => {
  const missing = missingProductionSecrets(c.env);
  const keysProblem = isProduction(c.env) && missing.length === 0 ? configuredKeysProblem(c.env) : null;
  if (missing.length > 0 || keysProblem) {
    const message = missing.length > 0 ? `missing secrets: ${missing.join(', ')}` : keysProblem;
    console.error(JSON.stringify({ level: 'error', message }));
    throw new ApiError('SERVICE_UNAVAILABLE', 'The service is not configured.');
  }
  await next();
});

/** HTTPS only in production: no redirect, because the credentials already crossed the wire in clear. */
export const requireHttps = createMiddleware<AppBindings>(async (c, next) => {
  if (isProduction(c.env) && new URL(c.req.url).protocol !== 'https:') {
    throw new ApiError('HTTPS_REQUIRED', 'Use HTTPS. Plain HTTP requests are refused; rotate any credential you sent.');
  }
  await next();
});

/** A per-request database handle, closed after the response without delaying it. */
export const database = createMiddleware<AppBindings>(async (c, next) => {
  const handle = openDb(c.env);
  c.set('db', handle.db);
  try {
    await next();
  } finally {
    c.executionCtx.waitUntil(handle.close().catch(() => undefined));
  }
});
