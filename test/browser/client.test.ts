/**
 * The typed client (src/client/) against the Worker served over HTTP, as a program outside would use it, and the
 * document its types are generated from. `npm run typecheck` covers this file, so the `@ts-expect-error` lines are
 * the compile-time half: they fail the typecheck the day the client stops rejecting what the API does not have.
 */
import { describe, expect, inject, it } from 'vitest';
import { createApiClient, type Schema } from '../../src/client';
import { openApiDocument } from '../../src/client/generator/generate';

const origin = inject('apiOrigin');

async function signedInClient() {
  const anonymous = createApiClient({ baseUrl: origin });
  const email = `client-${crypto.randomUUID()}@example.com`;
  const password = 'correct horse battery';
  const registered = await anonymous.POST('/auth/register', {
    body: { email, password, full_name: 'Typed Client', role: 'ai_client' },
  });
  expect(registered.response.status).toBe(201);
  const login = await anonymous.POST('/auth/login', { body: { email, password } });
  expect(login.error).toBeUndefined();
  return createApiClient({ baseUrl: origin, credential: login.data!.access_token });
}

const TASK: Schema<'CreateTaskRequest'> = {
  title: 'Call a locksmith',
  description: 'Book a lock change for Thursday afternoon and confirm the price on the phone.',
  category: 'business_calls',
  location_type: 'remote',
  budget_amount: 25,
  budget_type: 'fixed',
};

/** POST /api/v1/tasks answers 201 with the task, or 200 with a quote under ?dry_run=true: the type says both. */
function postedTask(answer: Schema<'Task'> | Schema<'TaskQuote'> | undefined): Schema<'Task'> {
  if (answer === undefined || !('id' in answer)) throw new Error(`expected a task, got ${JSON.stringify(answer)}`);
  return answer;
}

describe('typed client', () => {
  it('is generated from the document /openapi.json serves (built in Node, without a server)', async () => {
    const served = (await (await fetch(`${origin}/openapi.json`)).json()) as Record<string, unknown>;
    const { servers, ...rest } = served;
    expect(servers).toEqual([{ url: origin }]);
    expect(JSON.parse(JSON.stringify(openApiDocument()))).toEqual(rest);
  });

  it('posts, reads and lists tasks with typed bodies, parameters and answers', async () => {
    const api = await signedInClient();
    const key = `client-${crypto.randomUUID()}`;
    const created = await api.POST('/api/v1/tasks', { body: TASK, params: { header: { 'Idempotency-Key': key } } });
    expect(created.response.status).toBe(201);
    const task: Schema<'Task'> = postedTask(created.data);
    expect(task).toMatchObject({ title: TASK.title, status: 'open', budget_amount: 25 });

    const replayed = await api.POST('/api/v1/tasks', { body: TASK, params: { header: { 'Idempotency-Key': key } } });
    expect(postedTask(replayed.data).id).toBe(task.id);
    expect(replayed.response.headers.get('Idempotent-Replayed')).toBe('true');

    const read = await api.GET('/api/v1/tasks/{id}', { params: { path: { id: task.id } } });
    expect(read.data!.id).toBe(task.id);

    const listed = await api.GET('/api/v1/tasks', { params: { query: { limit: 10 } } });
    expect(listed.data!.data.map((t) => t.id)).toEqual([task.id]);
  });

  it("returns the API's error body, typed, for a refused request", async () => {
    const api = await signedInClient();
    const missing = await api.GET('/api/v1/tasks/{id}', { params: { path: { id: 'task_doesNotExist0000' } } });
    expect(missing.response.status).toBe(404);
    expect(missing.data).toBeUndefined();
    const error: Schema<'Error'> = missing.error!;
    expect(error.error.code).toBe('NOT_FOUND');
    expect(error.error.request_id).toBe(missing.response.headers.get('X-Request-Id'));

    // A misspelt field does not compile; sent anyway, the API refuses it the same way.
    const { title: _title, ...untitled } = TASK;
    // @ts-expect-error `titel` is not a field of CreateTaskRequest, and `title` is required.
    const misspelt = await api.POST('/api/v1/tasks', { body: { ...untitled, titel: TASK.title } });
    expect(misspelt.response.status).toBe(400);
    expect(misspelt.error!.error.code).toBe('VALIDATION_ERROR');

    // @ts-expect-error the API has no such path.
    const nowhere = await api.GET('/api/v1/taskz');
    expect(nowhere.response.status).toBe(404);
  });
});
