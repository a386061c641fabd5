import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rateLimitCounters } from '../src/db/schema';
import { randomString } from '../src/lib/ids';
import { clientNetwork, DEFAULT_RATE_LIMITS, rateLimitConfig, secondsUntilUnder, slidingCount } from '../src/services/rate-limits';
import { runScheduledJobs } from '../src/services/scheduled';
import { call, env, type ApiResponse } from './support/api';
import { newAccount, uniqueEmail } from './support/accounts';
import { withDb } from './support/db';

/** A documentation-range address of its own per test, so tests never share an address bucket. */
const hextet = () => Math.floor(Math.random() * 65536).toString(16);
const uniqueIp = () => `2001:db8:${hextet()}:${hextet()}::1`;

const strict = (overrides: Record<string, string>) => ({
  RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL: '1000',
  RATE_LIMIT_LOGIN_FAILURES_PER_IP: '1000',
  RATE_LIMIT_LOGIN_WINDOW_SECONDS: '900',
  RATE_LIMIT_REGISTRATIONS_PER_IP: '1000',
  RATE_LIMIT_REGISTRATION_WINDOW_SECONDS: '3600',
  ...overrides,
});

function login(email: string, password: string, ip: string, vars: Record<string, string>) {
  return call('/auth/login', { body: { email, password }, headers: { 'CF-Connecting-IP': ip }, env: vars });
}

function expect429(res: ApiResponse, maxSeconds: number) {
  expect(res.status).toBe(429);
  expect(res.body.error).toMatchObject({ code: 'RATE_LIMITED', request_id: res.headers.get('X-Request-Id') });
  const retryAfter = Number(res.headers.get('Retry-After'));
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(maxSeconds);
  expect(res.body.error.message).toContain(`${retryAfter} seconds`);
}

describe('failed-login limits', () => {
  it('limits failures per email: then 429 with Retry-After, even for the right password', async () => {
    const account = await newAccount();
    const vars = strict({ RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL: '3' });
    for (let i = 0; i < 3; i++) expect((await login(account.email, 'wrong-password', uniqueIp(), vars)).status).toBe(401);
    expect429(await login(account.email, 'wrong-password', uniqueIp(), vars), 1800);
    expect429(await login(account.email, account.password, uniqueIp(), vars), 1800);
    // Another email is not affected.
    const other = await newAccount();
    expect((await login(other.email, other.password, uniqueIp(), vars)).status).toBe(200);
  });

  it('counts unknown emails like known ones (the 429 does not reveal an account)', async () => {
    const ghost = uniqueEmail('ghost');
    const vars = strict({ RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL: '2' });
    expect((await login(ghost, 'whatever1', uniqueIp(), vars)).status).toBe(401);
    expect((await login(ghost.toUpperCase(), 'whatever1', uniqueIp(), vars)).status).toBe(401);
    expect429(await login(ghost, 'whatever1', uniqueIp(), vars), 1800);
  });

  it('limits failures per client address across emails; other addresses are unaffected', async () => {
    const ip = uniqueIp();
    const vars = strict({ RATE_LIMIT_LOGIN_FAILURES_PER_IP: '3' });
    for (let i = 0; i < 3; i++) expect((await login(uniqueEmail('spray'), 'guess-123', ip, vars)).status).toBe(401);
    const account = await newAccount();
    expect429(await login(account.email, account.password, ip, vars), 1800);
    expect((await login(account.email, account.password, uniqueIp(), vars)).status).toBe(200);
  });

  it('counts an IPv6 /64 as one address', async () => {
    const vars = strict({ RATE_LIMIT_LOGIN_FAILURES_PER_IP: '2' });
    const net = `2001:db8:${hextet()}:${hextet()}`;
    expect((await login(uniqueEmail('v6'), 'guess-123', `${net}::1`, vars)).status).toBe(401);
    expect((await login(uniqueEmail('v6'), 'guess-123', `${net}:0:0:0:2`, vars)).status).toBe(401);
    expect429(await login(uniqueEmail('v6'), 'guess-123', `${net}::ffff:3`, vars), 1800);
  });

  it('does not count successful logins', async () => {
    const account = await newAccount();
    const ip = uniqueIp();
    const vars = strict({ RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL: '2', RATE_LIMIT_LOGIN_FAILURES_PER_IP: '2' });
    for (let i = 0; i < 5; i++) expect((await login(account.email, account.password, ip, vars)).status).toBe(200);
    expect((await login(account.email, 'wrong-password', ip, vars)).status).toBe(401);
    expect((await login(account.email, account.password, ip, vars)).status).toBe(200);
  });

  it('opens again once the window has slid past the failures', async () => {
    const account = await newAccount();
    const vars = strict({ RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL: '1', RATE_LIMIT_LOGIN_WINDOW_SECONDS: '2' });
    // A failure then the right password: blocked, unless the window happened to end between the two; then again.
    let blocked: ApiResponse | undefined;
    for (let i = 0; i < 3 && blocked?.status !== 429; i++) {
      expect((await login(account.email, 'wrong-password', uniqueIp(), vars)).status).toBe(401);
      blocked = await login(account.email, account.password, uniqueIp(), vars);
    }
    expect429(blocked!, 4);
    await new Promise((resolve) => setTimeout(resolve, Number(blocked!.headers.get('Retry-After')) * 1000 + 100));
    expect((await login(account.email, account.password, uniqueIp(), vars)).status).toBe(200);
  });

  it('holds under concurrent guesses: exactly the limit get through to the KDF', async () => {
    const account = await newAccount();
    const vars = strict({ RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL: '3' });
    const results = await Promise.all(Array.from({ length: 10 }, () => login(account.email, 'wrong-password', uniqueIp(), vars)));
    expect(results.filter((r) => r.status === 401)).toHaveLength(3);
    expect(results.filter((r) => r.status === 429)).toHaveLength(7);
  });

  it('keeps its counters in Postgres, where every isolate sees them', async () => {
    const account = await newAccount();
    const vars = strict({ RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL: '2' });
    const counts = async () => new Map((await withDb((db) => db.select().from(rateLimitCounters))).map((r) => [r.bucket, r.count]));
    const before = await counts();
    await login(account.email, 'wrong-password', uniqueIp(), vars);
    await login(account.email, 'wrong-password', uniqueIp(), vars);
    const after = await counts();
    const grown = [...after].filter(([bucket, n]) => bucket.startsWith('login:email:') && n - (before.get(bucket) ?? 0) === 2);
    expect(grown).toHaveLength(1);
    // Buckets hold a hash, not the email.
    expect([...after.keys()].some((bucket) => bucket.includes(account.email))).toBe(false);
  });
});

describe('registration limits', () => {
  const register = (ip: string, vars: Record<string, string>) =>
    call('/auth/register', {
      body: { email: uniqueEmail('reg'), password: 'password1', full_name: 'Reg', role: 'ai_client' },
      headers: { 'CF-Connecting-IP': ip },
      env: vars,
    });

  it('limits registrations per client address', async () => {
    const ip = uniqueIp();
    const vars = strict({ RATE_LIMIT_REGISTRATIONS_PER_IP: '2' });
    expect((await register(ip, vars)).status).toBe(201);
    expect((await register(ip, vars)).status).toBe(201);
    expect429(await register(ip, vars), 7200);
    expect((await register(uniqueIp(), vars)).status).toBe(201);
  });
});

describe('configuration', () => {
  it('development defaults are far above anything a test suite does', () => {
    const config = rateLimitConfig(env);
    expect(config.loginFailuresPerEmail).toBeGreaterThanOrEqual(1000);
    expect(config.loginFailuresPerIp).toBeGreaterThanOrEqual(100_000);
    expect(config.registrationsPerIp).toBeGreaterThanOrEqual(100_000);
  });

  it('falls back to the production defaults for missing or invalid values', () => {
    const config = rateLimitConfig({
      ...env,
      RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL: '',
      RATE_LIMIT_LOGIN_FAILURES_PER_IP: 'lots',
      RATE_LIMIT_LOGIN_WINDOW_SECONDS: '-5',
      RATE_LIMIT_REGISTRATIONS_PER_IP: '1.5',
      RATE_LIMIT_REGISTRATION_WINDOW_SECONDS: undefined as unknown as string,
    });
    expect(config).toEqual(DEFAULT_RATE_LIMITS);
    expect(DEFAULT_RATE_LIMITS).toMatchObject({ loginFailuresPerEmail: 10, loginWindowSeconds: 900 });
  });

  it('groups client addresses by network', () => {
    expect(clientNetwork('203.0.113.7')).toBe('203.0.113.7');
    expect(clientNetwork('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(clientNetwork('2001:0db8:0001:0002:0000:0000:0000:0009')).toBe('2001:db8:1:2::/64');
    expect(clientNetwork('2001:DB8:1:2:aaaa:bbbb:cccc:dddd')).toBe('2001:db8:1:2::/64');
    expect(clientNetwork('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(clientNetwork('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(clientNetwork('unknown')).toBe('unknown');
  });
});

describe('cleanup', () => {
  it('the scheduled job drops counters whose window has ended and keeps live ones', async () => {
    const expired = `test:expired:${randomString(8)}`;
    const live = `test:live:${randomString(8)}`;
    await withDb((db) =>
      db.insert(rateLimitCounters).values([
        { bucket: expired, windowStart: new Date(Date.now() - 3_600_000), count: 4, expiresAt: new Date(Date.now() - 60_000) },
        { bucket: live, windowStart: new Date(Date.now() - 60_000), count: 2, expiresAt: new Date(Date.now() + 600_000) },
      ]),
    );
    await runScheduledJobs(env, new Date());
    const left = await withDb((db) =>
      db.select().from(rateLimitCounters).where(sql`${rateLimitCounters.bucket} in (${expired}, ${live})`),
    );
    expect(left.map((r) => r.bucket)).toEqual([live]);
  });
});

describe('sliding window estimate', () => {
  const state = (count: number, previous: number, elapsedSeconds: number) => ({ bucket: 'b', count, previous, elapsedSeconds, windowSeconds: 900 });

  it('weighs the previous window by how much of it still overlaps', () => {
    expect(slidingCount(state(2, 10, 0))).toBe(12);
    expect(slidingCount(state(2, 10, 450))).toBe(7);
    expect(slidingCount(state(2, 10, 900))).toBe(2);
  });

  it('keeps a burst that straddles a window boundary under the limit', () => {
    // 10 failures just before the boundary, then one just after: still over a limit of 10.
    expect(slidingCount(state(1, 10, 1))).toBeGreaterThan(10);
  });

  it('tells how long until a retry is let in', () => {
    // Over only because of the previous window: wait until enough of it slides out (here 5 of 10, half the window).
    // Over only because of the previous window: 5 now + 10 before, limit 10: one more fits once 6 of the 10 slid out.
    expect(secondsUntilUnder(state(5, 10, 0), 10)).toBe(540);
    // Over within this window alone (20, limit 10): wait for the window to end and 11 of the 20 to slide out.
    expect(secondsUntilUnder(state(20, 0, 300), 10)).toBe(600 + 495);
    expect(secondsUntilUnder(state(11, 0, 899.5), 10)).toBeGreaterThanOrEqual(1);
  });
});
