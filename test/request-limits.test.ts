/**
 * Per-caller request limits on authenticated routes. The tests swap API_RATE_LIMITER for API_RATE_LIMITER_TEST
 * (wrangler.toml's development config: 3 requests per 60 s), the same binding type with a limit a test can reach.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Caller } from '../src/context';
import { countRequest, REQUEST_LIMIT_PERIOD_SECONDS, requestLimitKey } from '../src/services/request-limits';
import { call, env, type ApiResponse, type CallOptions } from './support/api';
import { newAccount, type TestAccount } from './support/accounts';

const LIMIT = 3;
const tiny = { API_RATE_LIMITER: env.API_RATE_LIMITER_TEST };
const MCP_HEADERS = { Accept: 'application/json, text/event-stream', 'MCP-Protocol-Version': '2025-11-25' };

/**
 * The local limiter counts in fixed windows aligned to the clock: a test that straddled a window's end would see
 * its counter reset midway. Start it early in a window instead.
 */
async function startOfWindow() {
  const into = Date.now() % (REQUEST_LIMIT_PERIOD_SECONDS * 1000);
  if (into > 45_000) await new Promise((resolve) => setTimeout(resolve, REQUEST_LIMIT_PERIOD_SECONDS * 1000 - into + 250));
}

const limited = (path: string, options: CallOptions = {}) => call(path, { ...options, env: tiny });

async function apiKey(owner: TestAccount): Promise<string> {
  const res = await call('/api/v1/api-keys', { token: owner.token, body: { name: 'looping agent' } });
  expect(res.status).toBe(201);
  return res.body.key as string;
}

function expectRateLimited(res: ApiResponse, what: 'API key' | 'account') {
  expect(res.status).toBe(429);
  expect(res.headers.get('Retry-After')).toBe(String(REQUEST_LIMIT_PERIOD_SECONDS));
  expect(res.headers.get('X-RateLimit-Remaining')).toBeNull();
  expect(res.body).toEqual({
    error: {
      code: 'RATE_LIMITED',
      message: `Too many requests for this ${what}. Try again in ${REQUEST_LIMIT_PERIOD_SECONDS} seconds.`,
      request_id: res.headers.get('X-Request-Id'),
    },
  });
}

describe('request limits per caller', () => {
  it('answers the 4th request in a window with 429 and Retry-After; another account is unaffected', async () => {
    await startOfWindow();
    const [agent, other] = await Promise.all([newAccount(), newAccount()]);
    for (let i = 0; i < LIMIT; i++) expect((await limited('/api/v1/tasks', { token: agent.token })).status).toBe(200);
    expectRateLimited(await limited('/api/v1/tasks', { token: agent.token }), 'account');
    // Every authenticated route shares the bucket, writes included.
    expectRateLimited(await limited('/api/v1/tasks', { token: agent.token, body: {}, headers: { 'Idempotency-Key': 'k1' } }), 'account');
    expect((await limited('/api/v1/tasks', { token: other.token })).status).toBe(200);
  });

  it('does not count unauthenticated requests, and answers them 401 whoever is over the limit', async () => {
    await startOfWindow();
    const agent = await newAccount();
    for (let i = 0; i < LIMIT; i++) expect((await limited('/api/v1/tasks', { token: agent.token })).status).toBe(200);
    expect((await limited('/api/v1/tasks', { token: agent.token })).status).toBe(429);
    expect((await limited('/api/v1/tasks')).status).toBe(401);
    expect((await limited('/api/v1/tasks', { token: 'not-a-token' })).status).toBe(401);
    const fresh = await newAccount();
    for (let i = 0; i < 5; i++) expect((await limited('/api/v1/tasks')).status).toBe(401);
    // Five 401s later, a new caller still has its whole allowance.
    for (let i = 0; i < LIMIT; i++) expect((await limited('/api/v1/tasks', { token: fresh.token })).status).toBe(200);
  });

  it('counts requests refused by role (403) too', async () => {
    await startOfWindow();
    const agent = await newAccount('ai_client');
    for (let i = 0; i < LIMIT; i++) expect((await limited('/api/v1/marketplace/tasks', { token: agent.token })).status).toBe(403);
    expectRateLimited(await limited('/api/v1/marketplace/tasks', { token: agent.token }), 'account');
  });

  it('gives each API key its own bucket, apart from its owner session and other keys', async () => {
    await startOfWindow();
    const owner = await newAccount();
    const [loop, spare] = [await apiKey(owner), await apiKey(owner)];
    for (let i = 0; i < LIMIT; i++) expect((await limited('/api/v1/payments/balance', { token: loop })).status).toBe(200);
    expectRateLimited(await limited('/api/v1/payments/balance', { headers: { 'X-API-Key': loop } }), 'API key');
    expect((await limited('/api/v1/payments/balance', { token: spare })).status).toBe(200);
    expect((await limited('/api/v1/payments/balance', { token: owner.token })).status).toBe(200);
  });

  it('limits the MCP endpoint with the same 429 body', async () => {
    await startOfWindow();
    const owner = await newAccount();
    const key = await apiKey(owner);
    const list = (id: number) => limited('/mcp', { token: key, headers: MCP_HEADERS, body: { jsonrpc: '2.0', id, method: 'tools/list' } });
    for (let i = 0; i < LIMIT; i++) expect((await list(i)).status).toBe(200);
    expectRateLimited(await list(LIMIT), 'API key');
  });

  it('lets the suite run under the development limit', async () => {
    const agent = await newAccount();
    for (let i = 0; i < LIMIT + 2; i++) expect((await call('/api/v1/tasks', { token: agent.token })).status).toBe(200);
  });
});

describe('the limiter itself', () => {
  const caller = (authMethod: Caller['authMethod'], apiKeyId: string | null): Caller => ({ id: 'usr_1', role: 'ai_client', authMethod, apiKeyId, livemode: true });

  it('keys by API key id when called with a key, else by account', () => {
    expect(requestLimitKey(caller('api_key', 'key_9'))).toBe('key:key_9');
    expect(requestLimitKey(caller('jwt', null))).toBe('user:usr_1');
  });

  it('serves the request when the limiter cannot answer', async () => {
    const broken: RateLimit = { limit: () => Promise.reject(new Error('unavailable')) };
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    await expect(countRequest(broken, caller('jwt', null))).resolves.toBeUndefined();
    expect(log).toHaveBeenCalledWith(expect.stringContaining('request limiter unavailable'));
    log.mockRestore();
  });
});

describe('OpenAPI', () => {
  it('documents 429 with Retry-After on every operation that takes credentials', async () => {
    const doc = (await call('/openapi.json')).body;
    const missing: string[] = [];
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(item)) {
        if (!op.security) continue;
        if (!op.responses['429']?.headers?.['Retry-After']) missing.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
