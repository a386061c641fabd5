import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Caller } from '../src/context';
import { renderError } from '../src/lib/errors';
import { createRouter } from '../src/lib/router';
import { requireAuth } from '../src/middleware/auth';
import { database, requestIdAndLog } from '../src/middleware/request-context';
import { call, env } from './support/api';
import { newAccount, newAdmin, newVerifiedProfessional } from './support/accounts';

/** A tiny app with the real middleware, to see what requireAuth puts on the context and whom it lets through. */
function probeApp() {
  const app = createRouter();
  app.use('*', requestIdAndLog, database);
  app.get('/anyone', requireAuth(), (c) => c.json(c.var.caller));
  app.get('/professionals', requireAuth('professional'), (c) => c.json(c.var.caller));
  app.get('/clients', requireAuth('ai_client', 'client'), (c) => c.json(c.var.caller));
  app.get('/admins', requireAuth('admin'), (c) => c.json(c.var.caller));
  app.onError((err, c) => renderError(c, err));
  return app;
}

async function probe(path: string, headers: Record<string, string>) {
  const ctx = createExecutionContext();
  const res = await probeApp().fetch(new Request(`http://127.0.0.1${path}`, { headers }), env, ctx);
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json()) as any };
}

const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

describe('requireAuth', () => {
  it('sets the caller from a JWT', async () => {
    const account = await newAccount('client');
    const res = await probe('/anyone', bearer(account.token));
    expect(res.body).toEqual({ id: account.id, role: 'client', authMethod: 'jwt', apiKeyId: null, livemode: true } satisfies Caller);
  });

  it('sets the caller from an API key, in either header, naming the key', async () => {
    const account = await newAccount('ai_client');
    const created = (await call('/api/v1/api-keys', { token: account.token, body: { name: 'probe' } })).body;
    const expected: Caller = { id: account.id, role: 'ai_client', authMethod: 'api_key', apiKeyId: created.id, livemode: true };
    expect((await probe('/anyone', bearer(created.key))).body).toEqual(expected);
    expect((await probe('/anyone', { 'X-API-Key': created.key })).body).toEqual(expected);
  });

  it('lets through only the roles a route lists; others get 403 FORBIDDEN', async () => {
    const client = await newAccount('client');
    const agent = await newAccount('ai_client');
    const pro = await newVerifiedProfessional();
    const admin = await newAdmin();

    expect((await probe('/clients', bearer(client.token))).status).toBe(200);
    expect((await probe('/clients', bearer(agent.token))).status).toBe(200);
    expect((await probe('/professionals', bearer(pro.token))).status).toBe(200);
    expect((await probe('/admins', bearer(admin.token))).body.role).toBe('admin');

    for (const [path, who] of [
      ['/professionals', client],
      ['/clients', pro],
      ['/admins', client],
      ['/admins', agent],
      ['/admins', pro],
    ] as const) {
      const res = await probe(path, bearer(who.token));
      expect(res.status, `${who.role} on ${path}`).toBe(403);
      expect(res.body.error.code).toBe('FORBIDDEN');
    }
  });

  it('applies the same roles to API keys', async () => {
    const client = await newAccount('client');
    const { key } = (await call('/api/v1/api-keys', { token: client.token, body: { name: 'k' } })).body;
    expect((await probe('/clients', bearer(key))).status).toBe(200);
    expect((await probe('/professionals', bearer(key))).status).toBe(403);
  });

  it('checks credentials before roles: no credential is 401 even on a role-restricted route', async () => {
    const res = await probe('/admins', {});
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
  });
});
