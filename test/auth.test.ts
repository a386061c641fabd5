import { describe, expect, it } from 'vitest';
import { call } from './support/api';
import { newAccount, uniqueEmail } from './support/accounts';

describe('register -> login -> me (the seed flow)', () => {
  it('registers an AI agent, logs in, and reads the profile with the seed field names', async () => {
    const email = uniqueEmail('agent');
    const reg = await call('/auth/register', {
      body: { email, password: 'correct horse', full_name: 'Research Agent', role: 'ai_client' },
    });
    expect(reg.status).toBe(201);
    expect(reg.body).toEqual({
      id: expect.stringMatching(/^usr_[0-9A-Za-z]{16}$/),
      email,
      full_name: 'Research Agent',
      role: 'ai_client',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    });

    const login = await call('/auth/login', { body: { email, password: 'correct horse' } });
    expect(login.status).toBe(200);
    expect(login.body).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 3600 });

    const me = await call('/auth/me', { token: login.body.access_token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ ...reg.body, balance: 0 });
  });

  it('shows a professional their profile', async () => {
    const pro = await newAccount('professional');
    const me = await call('/auth/me', { token: pro.token });
    expect(me.body.professional).toEqual({ verified: false, rating: null, completed_tasks: 0, payouts_enabled: false });
  });

  it('treats emails case-insensitively: a second registration is 409 EMAIL_TAKEN', async () => {
    const email = uniqueEmail('agent');
    const first = await call('/auth/register', { body: { email, password: 'password1', full_name: 'A', role: 'ai_client' } });
    expect(first.status).toBe(201);
    const again = await call('/auth/register', {
      body: { email: `  ${email.toUpperCase()} `, password: 'password1', full_name: 'A', role: 'client' },
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('EMAIL_TAKEN');
  });

  it('answers a wrong password and an unknown email with the same 401', async () => {
    const account = await newAccount();
    const wrong = await call('/auth/login', { body: { email: account.email, password: 'not-the-password' } });
    const unknown = await call('/auth/login', { body: { email: uniqueEmail('ghost'), password: 'whatever1' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.message).toBe(unknown.body.error.message);
  });

  it('answers malformed JSON with 400 INVALID_JSON', async () => {
    const res = await call('/auth/register', { body: '{"email": ', raw: true });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('INVALID_JSON');
  });
});
