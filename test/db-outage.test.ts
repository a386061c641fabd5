/**
 * The database going away, for real: requests reach Postgres through a relay the test can break (outage-relay.ts).
 * A request in flight when it goes, and every request while it is gone, answers 503 SERVICE_UNAVAILABLE with
 * Retry-After in the contract's error shape; an unreachable host is given up on after the connection timeout; once
 * the database is back, the next request is served (nothing broken is kept between requests).
 */
import { DrizzleQueryError } from 'drizzle-orm/errors';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_CONNECT_TIMEOUT_MS } from '../src/db/client';
import { DATABASE_RETRY_AFTER_SECONDS } from '../src/lib/db-errors';
import { ApiError, toApiError } from '../src/lib/errors';
import { call, type ApiResponse } from './support/api';
import { newAccount } from './support/accounts';
import { callThroughOutageRelay, database } from './support/outage';
import { quickAccount, seedTaskBody, taskAt } from './support/tasks';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function expectUnavailable(res: ApiResponse, what: string) {
  expect({ what, status: res.status }).toEqual({ what, status: 503 });
  expect(res.headers.get('Retry-After')).toBe(String(DATABASE_RETRY_AFTER_SECONDS));
  expect(res.body).toEqual({
    error: { code: 'SERVICE_UNAVAILABLE', message: expect.any(String), request_id: res.headers.get('X-Request-Id') },
  });
  expect(res.text).not.toMatch(/select|Failed query|Network connection/i);
}

/** An API key, for the MCP request. */
async function apiKeyOf(token: string): Promise<string> {
  const res = await call('/api/v1/api-keys', { token, body: { name: 'outage' } });
  if (res.status !== 201) throw new Error(`api key: ${res.status} ${res.text}`);
  return res.body.key;
}

const MCP_HEADERS = { Accept: 'application/json, text/event-stream' };
const toolsList = { jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} };

afterEach(async () => {
  await database('up');
});

describe('while the database is unreachable', () => {
  it('a wait in flight when the database goes away answers 503 at its next read', async () => {
    const { owner, taskId } = await taskAt('in_progress');
    const started = Date.now();
    const waiting = callThroughOutageRelay(`/api/v1/tasks/${taskId}/wait?until=submitted&timeout=20`, { token: owner.token }).then(
      (res) => ({ res, at: Date.now() }),
    );
    await sleep(1500); // the wait has read the task and is polling its status over an open connection
    const { cut } = await database('down');
    const cutAt = Date.now();
    const { res, at } = await waiting;
    expect(cut).toBeGreaterThan(0);
    expectUnavailable(res, 'wait');
    // The next status read (every 500 ms) meets the dropped connection; well before the wait's 20 s.
    expect(at - cutAt).toBeLessThan(2000);
    console.log(JSON.stringify({ outage: { in_flight_wait: { cut_connections: cut, answered_ms_after_cut: at - cutAt, held_ms: at - started } } }));
  });

  it('every route sampled answers 503 with Retry-After, at once when the connection is refused', async () => {
    const owner = await quickAccount('ai_client');
    const key = await apiKeyOf(owner.token);
    const person = await newAccount('client'); // a real password, for the login
    await database('down');

    const timings: Record<string, number> = {};
    const sample: [string, () => Promise<ApiResponse>][] = [
      ['GET /api/v1/tasks', () => callThroughOutageRelay('/api/v1/tasks', { token: owner.token })],
      ['GET /api/v1/payments/balance (API key)', () => callThroughOutageRelay('/api/v1/payments/balance', { token: key })],
      [
        'POST /api/v1/tasks',
        () => callThroughOutageRelay('/api/v1/tasks', { token: owner.token, body: seedTaskBody(), headers: { 'Idempotency-Key': crypto.randomUUID() } }),
      ],
      ['POST /auth/login', () => callThroughOutageRelay('/auth/login', { body: { email: person.email, password: person.password } })],
      ['GET /health', () => callThroughOutageRelay('/health')],
      ['POST /mcp (API key)', () => callThroughOutageRelay('/mcp', { token: key, body: toolsList, headers: MCP_HEADERS })],
    ];
    for (const [what, send] of sample) {
      const before = Date.now();
      const res = await send();
      timings[what] = Date.now() - before;
      expectUnavailable(res, what);
    }
    // What needs no database keeps working: a token names its caller without a read, and listing tools reads nothing.
    const tools = await callThroughOutageRelay('/mcp', { token: owner.token, body: toolsList, headers: MCP_HEADERS });
    expect(tools.status).toBe(200);
    // Refused connections fail fast: nothing waits for the connection timeout.
    for (const ms of Object.values(timings)) expect(ms).toBeLessThan(DB_CONNECT_TIMEOUT_MS);
    console.log(JSON.stringify({ outage: { refused_ms: timings } }));
  });

  it('a host that never answers is given up on after the connection timeout: 503, not a hung request', async () => {
    const owner = await quickAccount('ai_client');
    await database('hang');
    const before = Date.now();
    const res = await callThroughOutageRelay('/api/v1/tasks', { token: owner.token });
    const ms = Date.now() - before;
    expectUnavailable(res, 'GET /api/v1/tasks');
    expect(ms).toBeGreaterThanOrEqual(DB_CONNECT_TIMEOUT_MS - 50);
    expect(ms).toBeLessThan(DB_CONNECT_TIMEOUT_MS + 2000);
    const health = Date.now();
    expectUnavailable(await callThroughOutageRelay('/health'), 'GET /health');
    console.log(JSON.stringify({ outage: { hanging_host_ms: { 'GET /api/v1/tasks': ms, 'GET /health': Date.now() - health } } }));
  }, 30_000);

  it('serves again within a second of the database coming back', async () => {
    const owner = await quickAccount('ai_client');
    await database('down');
    expectUnavailable(await callThroughOutageRelay('/api/v1/tasks', { token: owner.token }), 'GET /api/v1/tasks');
    expectUnavailable(await callThroughOutageRelay('/health'), 'GET /health');

    await database('up');
    const restored = Date.now();
    let attempts = 0;
    let res: ApiResponse;
    do {
      attempts++;
      res = await callThroughOutageRelay('/api/v1/tasks', { token: owner.token });
    } while (res.status !== 200 && Date.now() - restored < 5000 && (await sleep(50), true));
    const firstOk = Date.now() - restored;
    expect(res.status).toBe(200);
    expect(firstOk).toBeLessThan(1000);

    const created = await callThroughOutageRelay('/api/v1/tasks', { token: owner.token, body: seedTaskBody() });
    expect(created.status).toBe(201);
    expect((await callThroughOutageRelay('/health')).status).toBe(200);
    console.log(JSON.stringify({ outage: { restored: { first_2xx_ms: firstOk, attempts, create_and_health_ms: Date.now() - restored } } }));
  });
});

describe('which failures are an outage', () => {
  /** As the driver reports a Postgres error: an Error carrying the SQLSTATE, wrapped by drizzle with the query. */
  const pgError = (code: string, message: string) => new DrizzleQueryError('select 1', [], Object.assign(new Error(message), { code }));
  const codeOf = (thrown: unknown) => toApiError(thrown).code;

  it('connection failures, Postgres shutting down or starting up, and Postgres out of connections are 503', () => {
    const outages: unknown[] = [
      pgError('53300', 'sorry, too many clients already'),
      new Error('Error connecting to database: TypeError: Network connection lost.'),
      new Error('Server error (HTTP status 503): {"message":"database unavailable"}'),
      pgError('57P01', 'terminating connection due to administrator command'),
      pgError('57P02', 'terminating connection due to crash of another server process'),
      pgError('57P03', 'the database system is starting up'),
      pgError('08006', 'connection failure'),
      pgError('08001', 'could not connect to server'),
      new DrizzleQueryError('select 1', [], new Error('Connection terminated unexpectedly')),
      new Error('Connection terminated due to connection timeout', { cause: new Error('Connection terminated') }),
      new Error('timeout exceeded when trying to connect'),
      new Error('timeout expired'),
      new DrizzleQueryError('select 1', [], new ErrorEvent('error', { message: 'Network connection lost.' }) as unknown as Error),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
    ];
    for (const thrown of outages) expect({ thrown: String(thrown), code: codeOf(thrown) }).toEqual({ thrown: String(thrown), code: 'SERVICE_UNAVAILABLE' });
    expect(toApiError(outages[0]).headers).toEqual({ 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) });
  });

  it('a query the database refused, and our own bugs, stay 500; ApiErrors pass through', () => {
    expect(codeOf(pgError('23505', 'duplicate key value violates unique constraint "users_email_unique"'))).toBe('INTERNAL');
    expect(codeOf(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe('INTERNAL');
    expect(codeOf(new ApiError('NOT_FOUND', 'Task not found.'))).toBe('NOT_FOUND');
  });
});
