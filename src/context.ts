import type { Db } from './db/client';
import type { AppEnv } from './env';

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
