/** GET /llms.txt: plain text for language models, built from the same lists the API serves. */
import { describe, expect, it } from 'vitest';
import { TASK_STATUSES } from '../src/db/schema';
import { ERROR_STATUS } from '../src/lib/errors';
import { TOOLS } from '../src/mcp/tools';
import { BASE, call } from './support/api';
import { WEBHOOK_EVENT_TYPES } from '../src/services/webhooks/event-types';

describe('GET /llms.txt', () => {
  it('answers plain UTF-8 text without sign-in', async () => {
    const res = await call('/llms.txt');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.text).toMatch(/^# GoHireHumans API\n\n> /);
  });

  it('names every category the API serves, every status, every MCP tool and every error code', async () => {
    const text = (await call('/llms.txt')).text;
    const categories = (await call('/api/v1/categories?limit=100')).body.data as { category: string; description: string }[];
    expect(categories).toHaveLength(6);
    for (const c of categories) expect(text).toContain(`- ${c.category}: ${c.description}`);
    for (const status of TASK_STATUSES) expect(text).toContain(`- ${status}: `);
    expect(TOOLS.map((t) => t.name)).toContain('wait_for_task');
    for (const tool of TOOLS) expect(text).toContain(`- ${tool.name}: ${tool.mcp.description}`);
    for (const [code, status] of Object.entries(ERROR_STATUS)) expect(text).toContain(`${code} (${status})`);
    expect(WEBHOOK_EVENT_TYPES).toContain('task.submitted');
    for (const type of WEBHOOK_EVENT_TYPES) expect(text).toContain(`"${type}"`);
    for (const phrase of ['POST /api/v1/webhook-endpoints', 'GoHireHumans-Signature: t=', 'callback_url', 'GoHireHumans-Event-Id']) {
      expect(text).toContain(phrase);
    }
  });

  it('explains auth, the workflow through waiting, the error shape, and links the machine-readable docs', async () => {
    const text = (await call('/llms.txt')).text;
    for (const phrase of [
      'POST /auth/register',
      'POST /auth/login',
      'POST /api/v1/api-keys',
      'X-API-Key: ghh_',
      'POST /api/v1/payments/checkout',
      'POST /api/v1/tasks/quote',
      'POST /api/v1/tasks?dry_run=true',
      'GET /api/v1/tasks/{id}/wait?until=submitted,completed,canceled,disputed',
      'X-Wait-Timed-Out',
      '/approve',
      '/request-revision',
      '/dispute',
      `POST ${BASE}/mcp`,
      '"request_id": "req_..."',
      `(${BASE}/openapi.json)`,
      `(${BASE}/docs)`,
      'less the 1% platform fee',
    ]) {
      expect(text, phrase).toContain(phrase);
    }
  });

  it('is in the OpenAPI document as a text/plain route without security', async () => {
    const doc = (await call('/openapi.json')).body;
    const op = doc.paths['/llms.txt'].get;
    expect(op.security).toBeUndefined();
    expect(op.responses['200'].content['text/plain'].schema.example).toMatch(/^# GoHireHumans API/);
  });
});
