import { describe, expect, it } from 'vitest';
import { CURRENT_PARAMS, DUMMY_PASSWORD_HASH, hashPassword, needsRehash, verifyPassword } from '../src/services/passwords';

describe('password hashing (scrypt inside workerd)', () => {
  it('stores the parameters and a fresh salt with each hash', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    expect(a).toMatch(/^scrypt\$14\$8\$5\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery staple', a)).toBe(true);
    expect(await verifyPassword('correct horse battery stapler', a)).toBe(false);
    expect(needsRehash(a)).toBe(false);
  });

  it('verifies hashes made with other parameters, and asks for a re-hash', async () => {
    const old = await hashPassword('legacy', { logN: 12, r: 8, p: 1 });
    expect(old.startsWith('scrypt$12$8$1$')).toBe(true);
    expect(await verifyPassword('legacy', old)).toBe(true);
    expect(needsRehash(old)).toBe(true);
  });

  it('treats corrupt or absurd stored values as a failed match, without running them', async () => {
    const good = await hashPassword('pw-12345678');
    const [, , , , salt, key] = good.split('$');
    for (const stored of ['', 'plain-text', `scrypt$30$8$1$${salt}$${key}`, `scrypt$14$8$999$${salt}$${key}`, `bcrypt$14$8$5$${salt}$${key}`, `${good}$extra`]) {
      expect(await verifyPassword('pw-12345678', stored), stored).toBe(false);
      expect(needsRehash(stored)).toBe(true);
    }
  });

  it('has a dummy hash with the current parameters that no password matches', async () => {
    expect(DUMMY_PASSWORD_HASH.startsWith(`scrypt$${CURRENT_PARAMS.logN}$${CURRENT_PARAMS.r}$${CURRENT_PARAMS.p}$`)).toBe(true);
    expect(await verifyPassword('', DUMMY_PASSWORD_HASH)).toBe(false);
    expect(await verifyPassword('not-a-real-password', DUMMY_PASSWORD_HASH)).toBe(false);
  });

  it('normalizes Unicode, so the same password typed two ways matches', async () => {
    const composed = 'caf\u00e9-password';
    const decomposed = 'cafe\u0301-password';
    expect(await verifyPassword(decomposed, await hashPassword(composed))).toBe(true);
  });
});
