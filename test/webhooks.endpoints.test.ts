/** Webhook endpoints: the API (create, list, read, delete, deliveries), its validation and the delivery URL rules. */
import { describe, expect, it } from 'vitest';
import { retrySchedule } from '../src/services/webhooks/config';
import { deliveryUrlProblem } from '../src/services/webhooks/urls';
import { call, env, PRODUCTION_VARS } from './support/api';
import { quickAccount, quickVerifiedProfessional, seedTaskBody } from './support/tasks';
import { createEndpoint, receiverPath } from './support/webhooks';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;

/** An API key for `owner`: production mode has other JWT keys, and an API key does not depend on them. */
async function apiKeyOf(owner: { token: string }): Promise<string> {
  const res = await call('/api/v1/api-keys', { token: owner.token, body: { name: 'webhooks' } });
  expect(res.status).toBe(201);
  return res.body.key;
}

const inProduction = (path: string, key: string, body: unknown) =>
  call(path, { token: key, body, env: PRODUCTION_VARS, origin: 'https://api.example.com' });

describe('webhook endpoints: the API', () => {
  it('creates an endpoint with a whsec_ secret shown once, and lists, reads and deletes it', async () => {
    const owner = await quickAccount('ai_client');
    const { url } = receiverPath();
    const created = await createEndpoint(owner, url, ['task.completed', 'task.accepted', 'task.completed'], { description: ' Research agent ' });
    expect(created).toEqual({
      id: expect.stringMatching(/^whe_[0-9A-Za-z]{16}$/),
      url,
      events: ['task.accepted', 'task.completed'],
      description: 'Research agent',
      previous_secret_expires_at: null,
      secret: expect.stringMatching(/^whsec_[0-9A-Za-z]{32}$/),
      created_at: expect.stringMatching(ISO),
      livemode: true,
    });
    const { secret, ...shown } = created;

    const list = await call('/api/v1/webhook-endpoints', { token: owner.token });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ data: [shown], total: 1, total_capped: false, limit: 20, offset: 0, has_more: false });
    expect(list.text).not.toContain(secret);
    const read = await call(`/api/v1/webhook-endpoints/${created.id}`, { token: owner.token });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(shown);
    const deliveries = await call(`/api/v1/webhook-endpoints/${created.id}/deliveries?limit=5`, { token: owner.token });
    expect(deliveries.body).toEqual({ data: [], total: 0, total_capped: false, limit: 5, offset: 0, has_more: false });

    expect((await call(`/api/v1/webhook-endpoints/${created.id}`, { method: 'DELETE', token: owner.token })).status).toBe(204);
    expect((await call(`/api/v1/webhook-endpoints/${created.id}`, { method: 'DELETE', token: owner.token })).status).toBe(404);
    expect((await call('/api/v1/webhook-endpoints', { token: owner.token })).body.total).toBe(0);
  });

  it("answers 404 for another client's endpoint, whatever the operation", async () => {
    const owner = await quickAccount('client');
    const stranger = await quickAccount('client');
    const created = await createEndpoint(owner, receiverPath().url, ['task.funded']);
    for (const [method, path] of [
      ['GET', `/api/v1/webhook-endpoints/${created.id}`],
      ['GET', `/api/v1/webhook-endpoints/${created.id}/deliveries`],
      ['DELETE', `/api/v1/webhook-endpoints/${created.id}`],
      ['GET', '/api/v1/webhook-endpoints/whe_doesNotExist123'],
    ] as const) {
      const res = await call(path, { method, token: stranger.token });
      expect(res.status, `${method} ${path}`).toBe(404);
      expect(res.body.error.code).toBe('NOT_FOUND');
    }
    expect((await call('/api/v1/webhook-endpoints', { token: stranger.token })).body.total).toBe(0);
    expect((await call(`/api/v1/webhook-endpoints/${created.id}`, { token: owner.token })).status).toBe(200);
  });

  it('is for clients: professionals get 403, and no credentials 401', async () => {
    const pro = await quickVerifiedProfessional();
    const res = await call('/api/v1/webhook-endpoints', { token: pro.token, body: { url: receiverPath().url, events: ['task.funded'] } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
    expect((await call('/api/v1/webhook-endpoints')).status).toBe(401);
  });

  it('refuses unknown or missing event types and malformed bodies with 400 naming the field', async () => {
    const owner = await quickAccount('client');
    const { url } = receiverPath();
    const cases: [unknown, string][] = [
      [{ url, events: ['task.exploded'] }, 'events.0'],
      [{ url, events: [] }, 'events'],
      [{ url }, 'events'],
      [{ url: 'not a url', events: ['task.funded'] }, 'url'],
      [{ events: ['task.funded'] }, 'url'],
      [{ url, events: ['task.funded'], secret: 'whsec_mine' }, 'secret'],
    ];
    for (const [body, field] of cases) {
      const res = await call('/api/v1/webhook-endpoints', { token: owner.token, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
    }
    expect((await call('/api/v1/webhook-endpoints', { token: owner.token })).body.total).toBe(0);
  });

  it('in production, refuses http and private, loopback or link-local addresses, literal forms included', async () => {
    const owner = await quickAccount('client');
    const key = await apiKeyOf(owner);
    const refused = [
      'http://agent.example.com/hooks',
      'https://10.1.2.3/hooks',
      'https://172.16.0.1/',
      'https://192.168.1.10/',
      'https://127.0.0.1/',
      'https://localhost/',
      'https://api.localhost/',
      'https://169.254.169.254/latest/meta-data',
      'https://100.64.0.1/',
      'https://0.0.0.0/',
      'https://[::1]/',
      'https://[fd12:3456::1]/',
      'https://[fe80::1]/',
      'https://[::ffff:10.0.0.1]/',
      'https://2130706433/', // 127.0.0.1 as one number
      'https://0x7f.1/',
      'https://user:pass@agent.example.com/',
    ];
    for (const url of refused) {
      const res = await inProduction('/api/v1/webhook-endpoints', key, { url, events: ['task.completed'] });
      expect(res.status, url).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(res.body.error.details).toEqual([{ path: 'url', message: expect.any(String) }]);
    }
    const task = await inProduction('/api/v1/tasks', key, seedTaskBody({ callback_url: 'http://agent.example.com/cb' }));
    expect(task.status).toBe(400);
    expect(task.body.error.details).toEqual([{ path: 'callback_url', message: 'Must be an https URL.' }]);

    const ok = await inProduction('/api/v1/webhook-endpoints', key, { url: 'https://agent.example.com/hooks', events: ['task.completed'] });
    expect(ok.status).toBe(201);
    expect((await call('/api/v1/webhook-endpoints', { token: owner.token })).body.total).toBe(1);
  });

  it('outside production, takes http and loopback (a local receiver) but still no private addresses', async () => {
    const owner = await quickAccount('client');
    for (const url of ['http://127.0.0.1:9/x', 'http://localhost:3000/hooks', 'http://[::1]:8080/']) {
      expect((await call('/api/v1/webhook-endpoints', { token: owner.token, body: { url, events: ['task.funded'] } })).status, url).toBe(201);
    }
    for (const url of ['http://10.0.0.5/', 'http://169.254.169.254/', 'ftp://agent.example.com/']) {
      const res = await call('/api/v1/webhook-endpoints', { token: owner.token, body: { url, events: ['task.funded'] } });
      expect(res.status, url).toBe(400);
    }
    const task = await call('/api/v1/tasks', { token: owner.token, body: seedTaskBody({ callback_url: 'http://192.168.0.2/cb' }) });
    expect(task.status).toBe(400);
    expect(task.body.error.details[0].path).toBe('callback_url');
  });

  it('keeps at most 10 live endpoints per account', async () => {
    const owner = await quickAccount('client');
    for (let i = 0; i < 10; i++) await createEndpoint(owner, `${receiverPath().url}`, ['task.funded']);
    const res = await call('/api/v1/webhook-endpoints', { token: owner.token, body: { url: receiverPath().url, events: ['task.funded'] } });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('CONFLICT');
  });

  it('replays an Idempotency-Key with the same body, secret included, and creates one endpoint', async () => {
    const owner = await quickAccount('client');
    const body = { url: receiverPath().url, events: ['task.submitted'] };
    const headers = { 'Idempotency-Key': 'endpoint-once' };
    const first = await call('/api/v1/webhook-endpoints', { token: owner.token, body, headers });
    const replay = await call('/api/v1/webhook-endpoints', { token: owner.token, body, headers });
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('Idempotent-Replayed')).toBe('true');
    expect(replay.body).toEqual(first.body);
    expect((await call('/api/v1/webhook-endpoints', { token: owner.token })).body.total).toBe(1);
  });

  it('documents every route in the OpenAPI document, with examples', async () => {
    const doc = (await call('/openapi.json')).body;
    const routes = {
      'post /api/v1/webhook-endpoints': ['201', 'CreatedWebhookEndpoint'],
      'get /api/v1/webhook-endpoints': ['200', 'WebhookEndpointList'],
      'get /api/v1/webhook-endpoints/{id}': ['200', 'WebhookEndpoint'],
      'get /api/v1/webhook-endpoints/{id}/deliveries': ['200', 'WebhookDeliveryAttemptList'],
    } as const;
    for (const [route, [status, response]] of Object.entries(routes)) {
      const [method, path] = route.split(' ') as [string, string];
      const op = doc.paths[path]?.[method];
      expect(op, route).toBeDefined();
      expect(op.tags).toEqual(['Event webhooks']);
      expect(op.responses[status].content['application/json'].schema.$ref).toBe(`#/components/schemas/${response}`);
    }
    expect(doc.paths['/api/v1/webhook-endpoints/{id}'].delete.responses['204']).toBeDefined();
    expect(doc.paths['/api/v1/webhook-endpoints'].post.parameters.map((p: { name: string }) => p.name)).toContain('Idempotency-Key');
    for (const name of ['CreateWebhookEndpointRequest', 'CreatedWebhookEndpoint', 'WebhookEndpoint', 'WebhookDeliveryAttempt']) {
      const properties = Object.values(doc.components.schemas[name].properties) as { example?: unknown }[];
      expect(properties.every((p) => p.example !== undefined), name).toBe(true);
    }
    expect(doc.components.schemas.CreateTaskRequest.properties.callback_url.example).toMatch(/^https:/);
  });
});

describe('delivery URL rules and retry schedule', () => {
  const production = { ...env, ENVIRONMENT: 'production' };

  it('classifies addresses: IPv6 forms that carry a private IPv4 are refused, public ones pass', () => {
    const refused = [
      'https://[::]/',
      'https://[::ffff:127.0.0.1]/',
      'https://[::ffff:169.254.1.1]/',
      'https://[64:ff9b::a00:1]/', // NAT64 of 10.0.0.1
      'https://[2002:c0a8:101::1]/', // 6to4 of 192.168.1.1
      'https://[ff02::1]/',
      'https://[fec0::1]/',
      'https://224.0.0.1/',
      'https://255.255.255.255/',
      'https://0177.0.0.1/',
      'https://localhost./',
    ];
    for (const url of refused) expect(deliveryUrlProblem(url, production), url).not.toBeNull();
    const allowed = ['https://agent.example.com/h', 'https://8.8.8.8/', 'https://[2606:4700::1111]/', 'https://[::ffff:8.8.8.8]/', 'https://172.32.0.1/'];
    for (const url of allowed) expect(deliveryUrlProblem(url, production), url).toBeNull();
  });

  it("production's schedule keeps retrying for more than 24 hours; development's within seconds", () => {
    const production = retrySchedule({ WEBHOOK_RETRY_BASE_SECONDS: '60', WEBHOOK_MAX_ATTEMPTS: '12' });
    expect(production).toEqual([60, 120, 240, 480, 960, 1920, 3840, 7680, 15360, 30720, 43200]);
    expect(production.reduce((a, b) => a + b, 0)).toBeGreaterThan(24 * 3600);
    expect(retrySchedule(env)).toEqual([1, 2, 4]);
  });
});
