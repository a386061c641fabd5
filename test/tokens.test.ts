import { eq } from 'drizzle-orm';
import { base64url, decodeJwt, decodeProtectedHeader, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { users } from '../src/db/schema';
import { CLOCK_SKEW_SECONDS, JWT_AUDIENCE, JWT_ISSUER, signingKeys } from '../src/services/tokens';
import { call, env, type ApiResponse } from './support/api';
import { newAccount } from './support/accounts';
import { withDb } from './support/db';

const encoder = new TextEncoder();
const devKey = () => signingKeys(env)[0]!;
const now = () => Math.floor(Date.now() / 1000);

interface Forge {
  sub: string;
  secret?: Uint8Array;
  alg?: string;
  kid?: string;
  iss?: string;
  aud?: string;
  iat?: number;
  exp?: number | null;
}

/** A token shaped like ours, with one thing changed. */
function forge(f: Forge): Promise<string> {
  const jwt = new SignJWT({})
    .setProtectedHeader({ alg: f.alg ?? 'HS256', kid: f.kid ?? devKey().kid, typ: 'JWT' })
    .setIssuer(f.iss ?? JWT_ISSUER)
    .setAudience(f.aud ?? JWT_AUDIENCE)
    .setSubject(f.sub)
    .setIssuedAt(f.iat ?? now());
  if (f.exp !== null) jwt.setExpirationTime(f.exp ?? now() + 600);
  return jwt.sign(f.secret ?? devKey().secret);
}

function unsigned(sub: string): string {
  const part = (value: object) => base64url.encode(JSON.stringify(value));
  const claims = { iss: JWT_ISSUER, aud: JWT_AUDIENCE, sub, iat: now(), exp: now() + 600 };
  return `${part({ alg: 'none', typ: 'JWT', kid: devKey().kid })}.${part(claims)}.`;
}

async function expect401(res: ApiResponse) {
  expect(res.status).toBe(401);
  expect(res.body.error).toEqual({ code: 'UNAUTHORIZED', message: expect.any(String), request_id: res.headers.get('X-Request-Id') });
  expect(res.headers.get('WWW-Authenticate')).toMatch(/^Bearer /);
}

describe('access tokens', () => {
  it('issues HS256 tokens with kid, iss, aud, sub, role, iat and exp', async () => {
    const account = await newAccount();
    const header = decodeProtectedHeader(account.token);
    expect(header).toEqual({ alg: 'HS256', kid: devKey().kid, typ: 'JWT' });
    const claims = decodeJwt(account.token);
    expect(claims).toEqual({ iss: JWT_ISSUER, aud: JWT_AUDIENCE, sub: account.id, role: 'ai_client', iat: expect.any(Number), exp: expect.any(Number) });
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(Math.abs(claims.iat! - now())).toBeLessThan(60);
  });

  it('takes the lifetime from JWT_TTL_SECONDS', async () => {
    const account = await newAccount();
    const login = await call('/auth/login', { body: { email: account.email, password: account.password }, env: { JWT_TTL_SECONDS: '120' } });
    expect(login.body.expires_in).toBe(120);
    const claims = decodeJwt(login.body.access_token);
    expect(claims.exp! - claims.iat!).toBe(120);
  });

  it('accepts a well-formed token signed with the current key', async () => {
    const account = await newAccount();
    const res = await call('/auth/me', { token: await forge({ sub: account.id }) });
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(account.id);
  });

  it(`accepts a token issued up to ${CLOCK_SKEW_SECONDS} s ahead of our clock, and one living exactly JWT_TTL_SECONDS`, async () => {
    const account = await newAccount();
    const ahead = now() + CLOCK_SKEW_SECONDS - 5;
    expect((await call('/auth/me', { token: await forge({ sub: account.id, iat: ahead, exp: ahead + 600 }) })).status).toBe(200);
    expect((await call('/auth/me', { token: await forge({ sub: account.id, iat: now(), exp: now() + 3600 }) })).status).toBe(200);
    expect((await call('/auth/me', { token: await forge({ sub: account.id, iat: now(), exp: now() + 600 }), env: { JWT_TTL_SECONDS: '600' } })).status).toBe(200);
  });

  describe('/auth/me answers 401 in the error shape for', () => {
    it('no credentials', async () => expect401(await call('/auth/me')));
    it('a garbage token', async () => expect401(await call('/auth/me', { token: 'not-a-jwt' })));
    it('three garbage segments', async () => expect401(await call('/auth/me', { token: 'abc.def.ghi' })));
    it('a scheme other than Bearer', async () => {
      const account = await newAccount();
      await expect401(await call('/auth/me', { headers: { Authorization: `Basic ${account.token}` } }));
    });
    it('an empty bearer', async () => expect401(await call('/auth/me', { headers: { Authorization: 'Bearer ' } })));

    it('an expired token', async () => {
      const account = await newAccount();
      await expect401(await call('/auth/me', { token: await forge({ sub: account.id, iat: now() - 7200, exp: now() - 10 }) }));
    });
    it('a token without exp', async () => {
      const account = await newAccount();
      await expect401(await call('/auth/me', { token: await forge({ sub: account.id, exp: null }) }));
    });
    it('a token with alg: none', async () => {
      const account = await newAccount();
      await expect401(await call('/auth/me', { token: unsigned(account.id) }));
    });
    it('a token signed by another key under our kid', async () => {
      const account = await newAccount();
      const secret = encoder.encode('someone-elses-secret-that-is-long-enough-1234');
      await expect401(await call('/auth/me', { token: await forge({ sub: account.id, secret }) }));
    });
    it('a token naming an unknown kid', async () => {
      const account = await newAccount();
      await expect401(await call('/auth/me', { token: await forge({ sub: account.id, kid: 'someone-else' }) }));
    });
    it('a token with our key but another algorithm (HS512)', async () => {
      const account = await newAccount();
      await expect401(await call('/auth/me', { token: await forge({ sub: account.id, alg: 'HS512' }) }));
    });
    it('a token for another audience', async () => {
      const account = await newAccount();
      await expect401(await call('/auth/me', { token: await forge({ sub: account.id, aud: 'another-api' }) }));
    });
    it('a token from another issuer', async () => {
      const account = await newAccount();
      await expect401(await call('/auth/me', { token: await forge({ sub: account.id, iss: 'https://evil.example' }) }));
    });
    it(`a token issued more than ${CLOCK_SKEW_SECONDS} s in the future`, async () => {
      const account = await newAccount();
      const iat = now() + CLOCK_SKEW_SECONDS + 30;
      await expect401(await call('/auth/me', { token: await forge({ sub: account.id, iat, exp: iat + 600 }) }));
    });
    it('a token living longer than JWT_TTL_SECONDS', async () => {
      const account = await newAccount();
      await expect401(await call('/auth/me', { token: await forge({ sub: account.id, iat: now(), exp: now() + 3601 }) }));
      // A lifetime is checked against the configured TTL, so lowering it retires longer-lived tokens at once.
      const hour = await forge({ sub: account.id, iat: now(), exp: now() + 3600 });
      await expect401(await call('/auth/me', { token: hour, env: { JWT_TTL_SECONDS: '600' } }));
    });
    it('a valid token whose account no longer exists', async () => {
      const account = await newAccount();
      await withDb((db) => db.delete(users).where(eq(users.id, account.id)));
      await expect401(await call('/auth/me', { token: account.token }));
    });
  });

  it('rotates keys: tokens signed with the previous key stay valid while it is listed', async () => {
    const old = { kid: 'k-old', secret: 'old-secret-0123456789abcdef0123456789' };
    const fresh = { kid: 'k-new', secret: 'new-secret-0123456789abcdef0123456789' };
    const before = { JWT_SIGNING_KEYS: JSON.stringify([old]) };
    const during = { JWT_SIGNING_KEYS: JSON.stringify([fresh, old]) };
    const after = { JWT_SIGNING_KEYS: JSON.stringify([fresh]) };
    const account = await newAccount();
    const login = (vars: Record<string, string>) =>
      call('/auth/login', { body: { email: account.email, password: account.password }, env: vars });

    const oldToken = (await login(before)).body.access_token;
    expect(decodeProtectedHeader(oldToken).kid).toBe('k-old');
    expect((await call('/auth/me', { token: oldToken, env: during })).status).toBe(200);

    const newToken = (await login(during)).body.access_token;
    expect(decodeProtectedHeader(newToken).kid).toBe('k-new');
    expect((await call('/auth/me', { token: newToken, env: during })).status).toBe(200);

    await expect401(await call('/auth/me', { token: oldToken, env: after }));
    expect((await call('/auth/me', { token: newToken, env: after })).status).toBe(200);
    // The development fallback key is not accepted once keys are configured.
    await expect401(await call('/auth/me', { token: account.token, env: after }));
  });

  it('refuses to serve production with unusable signing keys', async () => {
    const production = { ENVIRONMENT: 'production', STRIPE_SECRET_KEY: 'sk_test_x', STRIPE_WEBHOOK_SECRET: 'whsec_x' };
    const health = (keys: string) => call('/health', { origin: 'https://api.example.com', env: { ...production, JWT_SIGNING_KEYS: keys } });
    const secret = '0123456789abcdef0123456789abcdef';
    const unusable = [
      'not json',
      '[]',
      '[{"kid":"k1","secret":"too-short"}]',
      JSON.stringify([{ kid: 'a', secret }, { kid: 'a', secret: `${secret}x` }]),
    ];
    for (const keys of unusable) {
      const res = await health(keys);
      expect(res.status, keys).toBe(503);
      expect(res.body.error.code).toBe('SERVICE_UNAVAILABLE');
    }
    expect((await health(JSON.stringify([{ kid: 'k1', secret }]))).status).toBe(200);
  });
});
