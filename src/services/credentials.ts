/**
 * Turning a presented credential (a JWT or an API key) into the caller it stands for, in two steps: what can be
 * checked without the database (a token's signature and claims, a key's shape and hash), then, where it is needed,
 * the account or key row. Hot reads skip the second step and check their reader in their own statement
 * (services/tasks/catalog.ts readTaskWithCredential), so they are one round trip.
 */
import type { Caller, VerifiedCredential } from '../context';
import type { Db } from '../db/client';
import type { Reader, ReaderRef } from '../db/queries/task-reads';
import type { AppEnv } from '../env';
import { accountGone, getAccountRole } from './accounts';
import { apiKeyHash, findApiKeyOwner, invalidApiKey } from './api-keys';
import { verifyAccessToken } from './tokens';

export type Credential = { kind: 'jwt'; token: string } | { kind: 'api_key'; key: string };

export async function verifyCredential(env: AppEnv, credential: Credential): Promise<VerifiedCredential> {
  if (credential.kind === 'api_key') return { kind: 'api_key', keyHash: await apiKeyHash(credential.key) };
  const { userId, role } = await verifyAccessToken(env, credential.token);
  return { kind: 'jwt', userId, role };
}

/**
 * The caller a JWT names without a database read, when that is safe: the signed role claim is trusted because the
 * roles chosen at registration never change, and the one change there is (promotion to admin by the operator's
 * command) only adds rights, which then apply from the next sign-in. An admin claim is never taken on trust (admin
 * rights are checked against the account on every request, so a token cannot outlive them), nor is a token without
 * the claim. Null when the database must say.
 */
function callerFromToken(credential: VerifiedCredential): Caller | null {
  if (credential.kind !== 'jwt' || credential.role === null || credential.role === 'admin') return null;
  return { id: credential.userId, role: credential.role, authMethod: 'jwt', apiKeyId: null, livemode: true };
}

export async function resolveCaller(db: Db, credential: VerifiedCredential): Promise<Caller> {
  if (credential.kind === 'api_key') {
    const owner = await findApiKeyOwner(db, credential.keyHash);
    return { id: owner.userId, role: owner.role, authMethod: 'api_key', apiKeyId: owner.keyId, livemode: owner.livemode };
  }
  const fromToken = callerFromToken(credential);
  if (fromToken) return fromToken;
  const user = await getAccountRole(db, credential.userId);
  // Access tokens are always live: the sandbox is reached with a test API key only.
  return { id: user.id, role: user.role, authMethod: 'jwt', apiKeyId: null, livemode: true };
}

/** How a statement that checks its own reader finds it: the token's account, or the key by its hash. */
export function readerRef(credential: VerifiedCredential): ReaderRef {
  return credential.kind === 'api_key' ? { kind: 'api_key', keyHash: credential.keyHash } : { kind: 'account', userId: credential.userId };
}

/** The caller that statement found; 401 when it found none (a revoked or unknown key, an account that is gone). */
export function callerFromReader(credential: VerifiedCredential, reader: Reader | null): Caller {
  if (!reader) {
    if (credential.kind === 'api_key') throw invalidApiKey();
    throw accountGone();
  }
  return credential.kind === 'api_key'
    ? { id: reader.userId, role: reader.role, authMethod: 'api_key', apiKeyId: reader.keyId, livemode: reader.livemode }
    : { id: reader.userId, role: reader.role, authMethod: 'jwt', apiKeyId: null, livemode: true };
}
