import type { Context } from 'hono';
import type { Db } from './db/client';
import type { AppEnv } from './env';
import type { PaymentsContext } from './services/payments/after-commit';

/** Who is calling: set by the auth middleware, read by routes. */
export interface Caller {
  id: string;
  role: 'ai_client' | 'client' | 'professional' | 'admin';
  authMethod: 'jwt' | 'api_key';
  apiKeyId: string | null;
  /** False for a test API key: the caller acts in the sandbox and sees only test objects (docs/sandbox.md). */
  livemode: boolean;
}

/** A credential checked as far as it can be without the database (services/credentials.ts). */
export type VerifiedCredential =
  | { kind: 'jwt'; userId: string; role: Caller['role'] | null }
  | { kind: 'api_key'; keyHash: string };

export interface AppBindings {
  Bindings: AppEnv;
  Variables: {
    requestId: string;
    db: Db;
    caller: Caller;
    /** Set instead of caller on reads that check the credential in their own statement (middleware/auth.ts). */
    credential: VerifiedCredential;
    /** Set while the request runs inside its Idempotency-Key transaction: defers work until that transaction ends. */
    deferInTransaction?: (work: () => Promise<unknown>) => void;
  };
}

/**
 * Starts work that outlives the answer without delaying it. Inside the request's Idempotency-Key transaction the
 * work waits for that transaction to end (services/idempotency.ts answerOnce holds it).
 */
export function deferrer(c: Context<AppBindings>): (work: () => Promise<unknown>) => void {
  return (work) => {
    const inTransaction = c.get('deferInTransaction');
    if (inTransaction) inTransaction(work);
    else c.executionCtx.waitUntil(work());
  };
}

/** What a service needs from the request for its after-commit work (Stripe calls, webhook deliveries): env, origin, defer. */
export function paymentsContext(c: Context<AppBindings>): PaymentsContext {
  return {
    env: c.env,
    origin: new URL(c.req.url).origin,
    defer: deferrer(c),
  };
}
