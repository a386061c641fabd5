/** Delivery settings from the Worker's vars, with production's values as the fallback for anything unusable. */
import type { AppEnv } from '../../env';

const DEFAULT_RETRY_BASE_SECONDS = 60;
const DEFAULT_MAX_ATTEMPTS = 12;
/** Cloudflare Queues delay a message by at most 12 hours. */
export const MAX_RETRY_DELAY_SECONDS = 12 * 60 * 60;
/** One attempt may take this long before it counts as failed. */
export const ATTEMPT_TIMEOUT_MS = 10_000;

type WebhookVars = Pick<AppEnv, 'WEBHOOK_RETRY_BASE_SECONDS' | 'WEBHOOK_MAX_ATTEMPTS'>;

function wholeNumber(raw: string | undefined, fallback: number, min: number): number {
  const n = Number(raw);
  return raw !== undefined && raw !== '' && Number.isInteger(n) && n >= min ? n : fallback;
}

export const retryBaseSeconds = (env: WebhookVars): number => wholeNumber(env.WEBHOOK_RETRY_BASE_SECONDS, DEFAULT_RETRY_BASE_SECONDS, 0);

export const maxAttempts = (env: WebhookVars): number => wholeNumber(env.WEBHOOK_MAX_ATTEMPTS, DEFAULT_MAX_ATTEMPTS, 1);

/** Seconds to wait after failed attempt number `attempt` (1-based): the base, doubled each time, at most 12 hours. */
export function retryDelaySeconds(attempt: number, baseSeconds: number): number {
  return Math.min(baseSeconds * 2 ** (attempt - 1), MAX_RETRY_DELAY_SECONDS);
}

/** The waits between the attempts of one delivery, first to last. */
export function retrySchedule(env: WebhookVars): number[] {
  const base = retryBaseSeconds(env);
  return Array.from({ length: maxAttempts(env) - 1 }, (_, i) => retryDelaySeconds(i + 1, base));
}
