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
}

export interface AppBindings {
  Bindings: AppEnv;
  Variables: {
    requestId: string;
    db: Db;
    caller: Caller;
  };
}

/** What a service needs from the request for its after-commit work (Stripe calls, webhook deliveries): env, origin, waitUntil. */
export function paymentsContext(c: Context<AppBindings>): PaymentsContext {
  return {
    env: c.env,
    origin: new URL(c.req.url).origin,
    waitUntil: (promise) => c.executionCtx.waitUntil(promise),
  };
}
