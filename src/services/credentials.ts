/** Turns a presented credential (a JWT or an API key) into the caller it stands for, or a 401. */
import type { Caller } from '../context';
import type { Db } from '../db/client';
import type { AppEnv } from '../env';
import { getAccountRole } from './accounts';
import { authenticateApiKey } from './api-keys';
import { verifyAccessToken } from './tokens';

export type Credential = { kind: 'jwt'; token: string } | { kind: 'api_key'; key: string };

export async function resolveCaller(db: Db, env: AppEnv, credential: Credential): Promise<Caller> {
  if (credential.kind === 'api_key') {
    const owner = await authenticateApiKey(db, credential.key);
    return { id: owner.userId, role: owner.role, authMethod: 'api_key', apiKeyId: owner.keyId, livemode: owner.livemode };
  }
  const userId = await verifyAccessToken(env, credential.token);
  // The role is read fresh on every request (not from the token), so a promotion or demotion applies at once.
  const user = await getAccountRole(db, userId);
  // Access tokens are always live: the sandbox is reached with a test API key only.
  return { id: user.id, role: user.role, authMethod: 'jwt', apiKeyId: null, livemode: true };
}
