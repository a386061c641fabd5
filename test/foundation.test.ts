import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import worker from '../src/index';
import { call, env, PRODUCTION_VARS } from './support/api';

describe('foundation', () => {
  it('answers /health when the database answers, with a request id', async () => {
    const res = await call('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers.get('X-Request-Id')).toMatch(/^req_[0-9A-Za-z]{16}$/);
  });

  it('answers /health with 503 in the error shape when the database does not', async () => {
    const ctx = createExecutionContext();
    const broken = { ...env, DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' };
    const res = await worker.fetch(new Request('http://127.0.0.1/health'), broken, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(503);
    const body = (await res.json()) as any;
    expect(body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(body.error.request_id).toBe(res.headers.get('X-Request-Id'));
  });

  it('serves a valid OpenAPI 3.1 document', async () => {
    const res = await call('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(res.body.paths['/health']).toBeDefined();
    expect(res.body.components.securitySchemes).toHaveProperty('bearerAuth');
    const verdict = await fetch(inject('openApiValidatorUrl'), { method: 'POST', body: res.text });
    expect(await verdict.json()).toEqual({ valid: true });
  });

  it('sends nosniff with JSON and text responses too, errors included', async () => {
    for (const path of ['/health', '/openapi.json', '/llms.txt', '/nope']) {
      expect((await call(path)).headers.get('X-Content-Type-Options')).toBe('nosniff');
    }
  });

  it('answers an unknown path with 404 in the error shape', async () => {
    const res = await call('/nope');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NOT_FOUND');
    expect(res.body.error.request_id).toBe(res.headers.get('X-Request-Id'));
  });

  it('refuses a body over 64 KiB with 413', async () => {
    const res = await call('/health', { method: 'POST', body: JSON.stringify({ x: 'a'.repeat(70 * 1024) }), raw: true });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses plain HTTP in production with 403 HTTPS_REQUIRED, and serves HTTPS', async () => {
    const production = { ...env, ...PRODUCTION_VARS };
    const ctx = createExecutionContext();
    const plain = await worker.fetch(new Request('http://api.example.com/health'), production, ctx);
    expect(plain.status).toBe(403);
    expect(((await plain.json()) as any).error.code).toBe('HTTPS_REQUIRED');
    const secure = await worker.fetch(new Request('https://api.example.com/health'), production, ctx);
    expect(secure.status).toBe(200);
    await waitOnExecutionContext(ctx);
  });

  it('refuses to serve in production without its secrets', async () => {
    const ctx = createExecutionContext();
    const res = await worker.fetch(new Request('https://api.example.com/health'), { ...env, ENVIRONMENT: 'production' }, ctx);
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(503);
    expect(((await res.json()) as any).error.code).toBe('SERVICE_UNAVAILABLE');
  });
});
