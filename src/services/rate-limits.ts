/**
 * Rate limits as sliding-window counters in Postgres, so they hold across isolates, regions and restarts
 * (an in-memory map would reset with every new isolate). Each bucket keeps one counter per fixed window; the
 * estimate is the current window's count plus the previous window's, weighted by how much of it still lies
 * inside the sliding window. Unlike a plain fixed window, a burst cannot get twice the limit through by
 * straddling a boundary. An attempt takes a slot first and is checked after, so concurrent attempts cannot
 * all slip under the limit; an attempt that should not count (a login that succeeded) gives its slot back.
 */
import type { Db } from '../db/client';
import { decrementCounters, incrementCounters, type CounterState } from '../db/queries/rate-limits';
import type { AppEnv } from '../env';
import { ApiError } from '../lib/errors';

export interface RateLimitRule {
  bucket: string;
  limit: number;
  windowSeconds: number;
}

export interface RateLimitConfig {
  loginFailuresPerEmail: number;
  loginFailuresPerIp: number;
  loginWindowSeconds: number;
  registrationsPerIp: number;
  registrationWindowSeconds: number;
}

/**
 * Used when a variable is missing or not a positive integer. Production values: development sets its own,
 * far higher ones in wrangler.toml so a local test suite never trips them.
 */
export const DEFAULT_RATE_LIMITS: RateLimitConfig = {
  loginFailuresPerEmail: 10,
  // Higher than per email: many agents can share one egress address.
  loginFailuresPerIp: 50,
  loginWindowSeconds: 15 * 60,
  registrationsPerIp: 20,
  registrationWindowSeconds: 60 * 60,
};

const positiveInt = (value: string | undefined, fallback: number) => {
  const n = Number(value);
  return value && Number.isInteger(n) && n > 0 ? n : fallback;
};

export function rateLimitConfig(env: AppEnv): RateLimitConfig {
  const d = DEFAULT_RATE_LIMITS;
  return {
    loginFailuresPerEmail: positiveInt(env.RATE_LIMIT_LOGIN_FAILURES_PER_EMAIL, d.loginFailuresPerEmail),
    loginFailuresPerIp: positiveInt(env.RATE_LIMIT_LOGIN_FAILURES_PER_IP, d.loginFailuresPerIp),
    loginWindowSeconds: positiveInt(env.RATE_LIMIT_LOGIN_WINDOW_SECONDS, d.loginWindowSeconds),
    registrationsPerIp: positiveInt(env.RATE_LIMIT_REGISTRATIONS_PER_IP, d.registrationsPerIp),
    registrationWindowSeconds: positiveInt(env.RATE_LIMIT_REGISTRATION_WINDOW_SECONDS, d.registrationWindowSeconds),
  };
}

/**
 * The network a client address stands for: an IPv4 address itself, an IPv6 address's /64 (one subscriber
 * usually holds a whole /64, so counting single IPv6 addresses would not limit anyone). An IPv4-mapped IPv6
 * address counts as its IPv4 address.
 */
export function clientNetwork(ip: string): string {
  if (!ip.includes(':')) return ip;
  const mappedV4 = /:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(ip);
  if (mappedV4) return mappedV4[1]!;
  const [head = '', tail, extra] = ip.toLowerCase().split('::');
  if (extra !== undefined) return ip;
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}

/** Buckets hold a hash of what they count (an email, an address), not the value itself. */
async function bucket(kind: string, value: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(value)));
  return `${kind}:${Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export async function loginRules(env: AppEnv, email: string, ip: string): Promise<RateLimitRule[]> {
  const c = rateLimitConfig(env);
  return [
    { bucket: await bucket('login:email', email), limit: c.loginFailuresPerEmail, windowSeconds: c.loginWindowSeconds },
    { bucket: await bucket('login:ip', clientNetwork(ip)), limit: c.loginFailuresPerIp, windowSeconds: c.loginWindowSeconds },
  ];
}

export async function registrationRules(env: AppEnv, ip: string): Promise<RateLimitRule[]> {
  const c = rateLimitConfig(env);
  return [{ bucket: await bucket('register:ip', clientNetwork(ip)), limit: c.registrationsPerIp, windowSeconds: c.registrationWindowSeconds }];
}

/** Takes one slot in each rule's bucket; throws 429 RATE_LIMITED (with Retry-After) when any is over its limit. */
export async function consume(db: Db, rules: RateLimitRule[], what: string): Promise<void> {
  const states = await incrementCounters(db, rules);
  const limitOf = (s: CounterState) => rules.find((r) => r.bucket === s.bucket)!.limit;
  const over = states.filter((s) => slidingCount(s) > limitOf(s));
  if (over.length === 0) return;
  const retryAfter = Math.max(...over.map((s) => secondsUntilUnder(s, limitOf(s))));
  throw new ApiError('RATE_LIMITED', `${what} Try again in ${retryAfter} seconds.`, {
    headers: { 'Retry-After': String(retryAfter) },
  });
}

/** The sliding-window estimate: this window's attempts plus the still-overlapping share of the last one's. */
export function slidingCount(s: CounterState): number {
  const overlap = Math.max(0, 1 - s.elapsedSeconds / s.windowSeconds);
  return s.count + s.previous * overlap;
}

/** Whole seconds (at least 1) until one more attempt would fit under the limit: the Retry-After to send. */
export function secondsUntilUnder(s: CounterState, limit: number): number {
  const w = s.windowSeconds;
  let wait: number;
  if (s.count + 1 <= limit && s.previous > 0) {
    // Fits in this window once enough of the previous window has slid out.
    wait = w * (1 - (limit - s.count - 1) / s.previous) - s.elapsedSeconds;
  } else {
    // Fits only in the next window, once enough of this window's attempts have slid out.
    wait = w - s.elapsedSeconds + w * Math.max(0, 1 - (limit - 1) / s.count);
  }
  return Math.max(1, Math.ceil(wait));
}

/** Gives back the slots `consume` took, for an attempt that should not count. */
export async function release(db: Db, rules: RateLimitRule[]): Promise<void> {
  await decrementCounters(
    db,
    rules.map((r) => r.bucket),
  );
}
