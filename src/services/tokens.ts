/**
 * Access tokens: HS256 JWTs made and checked with jose. The algorithm is pinned, `iss`/`aud`/`sub`/`iat`/`exp`
 * are set and checked (`iat` no later than now + 60 s of clock skew, `exp - iat` within JWT_TTL_SECONDS), and `kid`
 * names the signing key: JWT_SIGNING_KEYS is a JSON list whose first key signs
 * and every key verifies, so a new key can be put first while tokens signed by the previous one stay valid.
 */
import { errors, jwtVerify, SignJWT } from 'jose';
import type { Caller } from '../context';
import type { AppEnv } from '../env';
import { isProduction } from '../env';
import { ApiError } from '../lib/errors';

export const JWT_ALGORITHM = 'HS256';
export const JWT_ISSUER = 'https://api.gohirehumans.com';
export const JWT_AUDIENCE = 'gohirehumans-api';
const DEFAULT_TTL_SECONDS = 3600;
/**
 * How far a token's `iat` may be ahead of this machine's clock: clocks of the isolates that sign and check differ
 * by a little, never by minutes. A token "issued" later than that was not issued by us.
 */
export const CLOCK_SKEW_SECONDS = 60;

interface SigningKey {
  kid: string;
  secret: Uint8Array;
}

/** Development only: a fixed key so tokens survive restarts. Production refuses to run without its own keys. */
const DEVELOPMENT_KEYS = '[{"kid":"dev-1","secret":"development-only-signing-key-not-for-production-use"}]';

const configuredKeys = (env: AppEnv) => env.JWT_SIGNING_KEYS || (isProduction(env) ? '' : DEVELOPMENT_KEYS);

export function signingKeys(env: AppEnv): SigningKey[] {
  const raw = configuredKeys(env);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = null;
  }
  if (!Array.isArray(parsed) || parsed.length === 0) throw new Error('JWT_SIGNING_KEYS must be a JSON list of {kid, secret}');
  const keys = parsed.map((k: { kid?: unknown; secret?: unknown }) => {
    if (typeof k?.kid !== 'string' || !k.kid || typeof k.secret !== 'string' || k.secret.length < 32) {
      throw new Error('each JWT signing key needs a kid and a secret of at least 32 characters');
    }
    return { kid: k.kid, secret: new TextEncoder().encode(k.secret) };
  });
  if (new Set(keys.map((k) => k.kid)).size !== keys.length) throw new Error('JWT signing key ids (kid) must be unique');
  return keys;
}

/**
 * The keys as the runtime's HMAC keys, by kid, imported once per isolate: importing them for every token was a
 * visible share of a signed-in request's CPU. Keyed by the configured list, which is the same for every request an
 * isolate serves, so this holds no request state.
 */
let verifying: { configured: string; keys: Promise<Map<string, CryptoKey>> } | undefined;

function verificationKeys(env: AppEnv): Promise<Map<string, CryptoKey>> {
  const configured = configuredKeys(env);
  if (verifying?.configured !== configured) {
    const imports = signingKeys(env).map(
      async (key) => [key.kid, await crypto.subtle.importKey('raw', key.secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])] as const,
    );
    verifying = { configured, keys: Promise.all(imports).then((entries) => new Map(entries)) };
  }
  return verifying.keys;
}

/** Why the configured signing keys cannot be used, or null when they can (checked before serving production). */
export function signingKeysProblem(env: AppEnv): string | null {
  try {
    signingKeys(env);
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export function tokenTtlSeconds(env: AppEnv): number {
  const configured = Number(env.JWT_TTL_SECONDS);
  return Number.isInteger(configured) && configured > 0 ? configured : DEFAULT_TTL_SECONDS;
}

type Role = Caller['role'];
const ROLES: readonly Role[] = ['ai_client', 'client', 'professional', 'admin'];

/**
 * Tokens carry the account's role (claim `role`) so that a request can know its caller without reading the
 * database; see credentials.ts for when the claim is trusted.
 */
export async function issueAccessToken(env: AppEnv, userId: string, role: Role): Promise<{ token: string; expiresIn: number }> {
  const [key] = signingKeys(env);
  const expiresIn = tokenTtlSeconds(env);
  // One clock reading for both: read twice, a second's tick between them would make the lifetime one second longer
  // than JWT_TTL_SECONDS, which verification refuses.
  const issuedAt = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ role })
    .setProtectedHeader({ alg: JWT_ALGORITHM, kid: key!.kid, typ: 'JWT' })
    .setIssuer(JWT_ISSUER)
    .setAudience(JWT_AUDIENCE)
    .setSubject(userId)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + expiresIn)
    .sign(key!.secret);
  return { token, expiresIn };
}

/** Who a valid token names: the user id, and the role it was issued with (null when it has none). Every failure is the same 401. */
export async function verifyAccessToken(env: AppEnv, token: string): Promise<{ userId: string; role: Role | null }> {
  const keys = await verificationKeys(env);
  try {
    const { payload } = await jwtVerify(
      token,
      (header) => {
        const key = header.kid === undefined ? undefined : keys.get(header.kid);
        if (!key) throw new errors.JWKSNoMatchingKey();
        return key;
      },
      {
        algorithms: [JWT_ALGORITHM],
        typ: 'JWT',
        issuer: JWT_ISSUER,
        audience: JWT_AUDIENCE,
        requiredClaims: ['sub', 'iat', 'exp'],
      },
    );
    // jose checks that iat is a number and exp is ahead, not that either is plausible: a token issued in the future,
    // or living longer than we issue them for, was made with a leaked key (or a bug), not by issueAccessToken.
    const now = Math.floor(Date.now() / 1000);
    if (payload.iat! > now + CLOCK_SKEW_SECONDS) throw new Error('iat is in the future');
    if (payload.exp! - payload.iat! > tokenTtlSeconds(env)) throw new Error('lifetime beyond JWT_TTL_SECONDS');
    const role = ROLES.find((r) => r === payload.role) ?? null;
    return { userId: payload.sub!, role };
  } catch {
    throw new ApiError('UNAUTHORIZED', 'The access token is invalid or expired. Log in again.');
  }
}
