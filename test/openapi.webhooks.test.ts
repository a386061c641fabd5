/**
 * The document's `webhooks` section describes what receivers really get: one entry per event type, and the bodies
 * and headers of real deliveries validate against it.
 */
import { Validator } from '@cfworker/json-schema';
import { describe, expect, it } from 'vitest';
import { WEBHOOK_EVENT_TYPES } from '../src/services/webhooks/event-types';
import { call } from './support/api';
import { createTask, fundTask, quickAccount, quickVerifiedProfessional } from './support/tasks';
import { act, createEndpoint, parsed, receiverPath, waitForRequests } from './support/webhooks';

/** Examples are not schemas, but the validator indexes any `id` it meets in them as a schema id: leave them out. */
const withoutExamples = (value: unknown): unknown =>
  Array.isArray(value)
    ? value.map(withoutExamples)
    : value !== null && typeof value === 'object'
      ? Object.fromEntries(Object.entries(value).filter(([key]) => key !== 'example').map(([key, v]) => [key, withoutExamples(v)]))
      : value;

async function webhooksSection() {
  const doc = (await call('/openapi.json')).body;
  return { doc, webhooks: doc.webhooks as Record<string, { post: any }> };
}

describe('OpenAPI webhooks', () => {
  it('documents every event type with its payload schema and the signature headers', async () => {
    const { webhooks } = await webhooksSection();
    expect(Object.keys(webhooks).sort()).toEqual([...WEBHOOK_EVENT_TYPES].sort());
    for (const type of WEBHOOK_EVENT_TYPES) {
      const op = webhooks[type]!.post;
      expect(op.operationId).toBe(`${type.replace('.', '_')}_webhook`);
      expect(op.requestBody.content['application/json'].schema.$ref).toMatch(/^#\/components\/schemas\/Task\w+Event$/);
      const headers = op.parameters.filter((p: any) => p.in === 'header').map((p: any) => p.name);
      expect(headers).toEqual(expect.arrayContaining(['gohirehumans-signature', 'gohirehumans-event-id', 'gohirehumans-event-type']));
    }
  });

  it('real deliveries match the documented body and headers of their type', async () => {
    const { doc, webhooks } = await webhooksSection();
    const owner = await quickAccount('ai_client');
    const pro = await quickVerifiedProfessional();
    const { path, url } = receiverPath();
    await createEndpoint(owner, url, [...WEBHOOK_EVENT_TYPES]);
    const task = await createTask(owner);
    await fundTask(owner, task.id, 15);
    await act(task.id, 'accept', pro);
    const message = await call(`/api/v1/tasks/${task.id}/messages`, { method: 'POST', token: pro.token, body: { text: 'Tuesday 9:30 works?' } });
    expect(message.status).toBe(201);
    await act(task.id, 'submit', pro, { text: 'Booked for Tuesday 9:30.' });
    await act(task.id, 'request-revision', owner, { reason: 'Morning, please.' });
    await act(task.id, 'submit', pro, { text: 'Booked for Tuesday 9:00.' });
    await act(task.id, 'approve', owner);

    const got = await waitForRequests(path, 7);
    expect(new Set(got.map((r) => parsed(r).type))).toEqual(
      new Set(['task.funded', 'task.accepted', 'task.message_created', 'task.submitted', 'task.revision_requested', 'task.completed']),
    );
    for (const request of got) {
      const event = parsed(request);
      const op = webhooks[event.type]!.post;
      // The schema's $refs point into the document's components: validate with the document as the root.
      const schema = { ...op.requestBody.content['application/json'].schema, components: withoutExamples(doc.components) };
      const validator = new Validator(schema, '2020-12');
      const result = validator.validate(event);
      expect(result.errors, `${event.type} body`).toEqual([]);
      for (const header of op.parameters.filter((p: any) => p.in === 'header' && p.required)) {
        expect(request.headers[header.name], `${event.type} header ${header.name}`).toBeTruthy();
        const checked = new Validator(header.schema, '2020-12').validate(request.headers[header.name]);
        expect(checked.errors, `${event.type} header ${header.name}`).toEqual([]);
      }
    }
  });
});
