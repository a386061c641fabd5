/**
 * Messages per task: the owner and the assigned professional talk; before acceptance each professional's questions
 * are a thread private to them and the owner; who cannot see the task gets 404, roles that never write 403; closed
 * tasks 409; the list pages by cursor; task.message_created reaches webhooks and callbacks; wait wakes on a message;
 * the MCP tools do the same.
 */
import { describe, expect, it } from 'vitest';
import type { TestAccount } from './support/accounts';
import { newAdmin } from './support/accounts';
import { call } from './support/api';
import { callTool, mcpClient } from './support/mcp';
import { createTask, fundTask, quickAccount, quickVerifiedProfessional, taskAt } from './support/tasks';
import { act, createEndpoint, parsed, receiverPath, waitForRequests } from './support/webhooks';

const send = (taskId: string, who: TestAccount, body: unknown) => call(`/api/v1/tasks/${taskId}/messages`, { method: 'POST', token: who.token, body });
const list = (taskId: string, who: TestAccount, query = '') => call(`/api/v1/tasks/${taskId}/messages${query}`, { token: who.token });
const texts = (res: { body: { data: { text: string }[] } }) => res.body.data.map((m) => m.text);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function sent(taskId: string, who: TestAccount, body: unknown) {
  const res = await send(taskId, who, body);
  expect(res.status, res.text).toBe(201);
  return res.body;
}

describe('the owner and the assigned professional', () => {
  it('talk in one conversation, oldest first, each seeing the same messages', async () => {
    const { owner, pro, taskId } = await taskAt('in_progress');
    const question = await sent(taskId, owner, { text: 'Please confirm the appointment time with me before booking.' });
    expect(question).toMatchObject({
      task_id: taskId,
      professional_id: pro.id,
      author: { id: owner.id, name: 'Test A.', role: 'ai_client' },
      text: 'Please confirm the appointment time with me before booking.',
      attachments: [],
    });
    expect(question.id).toMatch(/^msg_[0-9A-Za-z]{16}$/);
    expect(Date.parse(question.created_at)).not.toBeNaN();
    const answer = await sent(taskId, pro, {
      text: 'Tuesday 9:30 is free. Booking it?',
      attachments: [{ name: 'slots.png', url: 'https://files.example.com/slots.png' }],
    });
    expect(answer).toMatchObject({ professional_id: pro.id, author: { id: pro.id, name: 'Sarah M.', role: 'professional' } });

    const mine = await list(taskId, owner);
    expect(mine.status).toBe(200);
    expect(mine.body).toMatchObject({ total: 2, limit: 20, offset: 0, has_more: false });
    expect(mine.body.data).toEqual([question, answer]);
    expect((await list(taskId, pro)).body).toEqual(mine.body);
  });

  it('keep talking while submitted and disputed; completed and canceled tasks are 409 and stay readable', async () => {
    for (const stage of ['submitted', 'disputed'] as const) {
      const { owner, pro, taskId } = await taskAt(stage);
      await sent(taskId, pro, { text: `Still here (${stage}).` });
      await sent(taskId, owner, { text: 'Noted.' });
    }
    for (const stage of ['completed', 'canceled'] as const) {
      const { owner, pro, taskId } = await taskAt(stage);
      const res = await send(taskId, owner, { text: 'One more thing.' });
      expect(res.status, stage).toBe(409);
      expect(res.body.error.code).toBe('INVALID_STATE');
      expect(res.body.error.message).toContain(`The task is ${stage}`);
      expect((await list(taskId, owner)).status).toBe(200);
      if (stage === 'completed') expect((await send(taskId, pro, { text: 'Thanks!' })).status).toBe(409);
    }
  });
});

describe('questions before acceptance', () => {
  it("are private threads the owner answers by naming them; after acceptance the assignee's is the conversation", async () => {
    const { owner, taskId } = await taskAt('listed');
    const alice = await quickVerifiedProfessional('Alice Jones');
    const bob = await quickVerifiedProfessional('Bob Stone');

    // Nobody has asked yet: nothing to answer.
    const early = await send(taskId, owner, { text: 'Hello?' });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('INVALID_STATE');

    const aliceAsks = await sent(taskId, alice, { text: 'Is a Saturday appointment fine?' });
    expect(aliceAsks.professional_id).toBe(alice.id);
    // One thread: the owner may leave professional_id out.
    const reply = await sent(taskId, owner, { text: 'Saturday is fine.' });
    expect(reply.professional_id).toBe(alice.id);

    await sent(taskId, bob, { text: 'Which insurance should I mention?' });
    const ambiguous = await send(taskId, owner, { text: 'Delta Dental.' });
    expect(ambiguous.status).toBe(400);
    expect(ambiguous.body.error.details.map((d: { path: string }) => d.path)).toEqual(['professional_id']);
    const toBob = await sent(taskId, owner, { text: 'Delta Dental.', professional_id: bob.id });
    expect(toBob.professional_id).toBe(bob.id);
    const stranger = await quickVerifiedProfessional('Carl Park');
    expect((await send(taskId, owner, { text: 'Hi', professional_id: stranger.id })).status).toBe(400);

    // Each professional sees their own thread only; the owner sees every thread, or one by name.
    expect(texts(await list(taskId, alice))).toEqual(['Is a Saturday appointment fine?', 'Saturday is fine.']);
    expect(texts(await list(taskId, bob))).toEqual(['Which insurance should I mention?', 'Delta Dental.']);
    expect((await list(taskId, stranger)).body.total).toBe(0);
    expect((await list(taskId, owner)).body.total).toBe(4);
    expect(texts(await list(taskId, owner, `?professional_id=${bob.id}`))).toEqual(['Which insurance should I mention?', 'Delta Dental.']);
    // A professional cannot write into or read another's thread.
    expect((await send(taskId, bob, { text: 'Psst', professional_id: alice.id })).status).toBe(400);
    expect((await list(taskId, bob, `?professional_id=${alice.id}`)).status).toBe(400);

    await act(taskId, 'accept', alice);
    const after = await sent(taskId, owner, { text: 'Welcome aboard.' });
    expect(after.professional_id).toBe(alice.id);
    const readOnly = await send(taskId, owner, { text: 'Sorry, it is taken.', professional_id: bob.id });
    expect(readOnly.status).toBe(409);
    expect(readOnly.body.error.code).toBe('INVALID_STATE');
    // Bob no longer sees the task, its messages included; the owner still reads his thread.
    for (const res of [await list(taskId, bob), await send(taskId, bob, { text: 'Still open?' })]) expect(res.status).toBe(404);
    expect((await list(taskId, owner, `?professional_id=${bob.id}`)).body.total).toBe(2);
    expect(texts(await list(taskId, alice))).toEqual(['Is a Saturday appointment fine?', 'Saturday is fine.', 'Welcome aboard.']);
  });
});

describe('who may not', () => {
  it("another account's task, another task's client, an unverified professional: 404 as GET says; admins read but never write (403)", async () => {
    const { owner, taskId } = await taskAt('in_progress');
    const otherClient = (await taskAt('in_progress')).owner;
    const outsiders = [await quickAccount('ai_client'), otherClient, await quickAccount('professional'), await quickVerifiedProfessional()];
    const get = await call(`/api/v1/tasks/${taskId}`, { token: outsiders[0]!.token });
    for (const who of outsiders) {
      for (const res of [await send(taskId, who, { text: 'Hi' }), await list(taskId, who)]) {
        expect(res.status, who.role).toBe(404);
        expect(res.body.error).toMatchObject({ code: 'NOT_FOUND', message: get.body.error.message });
      }
    }
    for (const id of ['task_doesNotExist0000', 'task_\u0000']) expect((await send(encodeURIComponent(id), owner, { text: 'Hi' })).status).toBe(404);

    const admin = await newAdmin();
    const written = await send(taskId, admin, { text: 'Platform here.' });
    expect(written.status).toBe(403);
    expect(written.body.error.code).toBe('FORBIDDEN');
    await sent(taskId, owner, { text: 'For the record.' });
    expect((await list(taskId, admin)).body.total).toBe(1);
    expect((await call(`/api/v1/tasks/${taskId}/messages`)).status).toBe(401);
  });

  it('400 for NUL, oversized, blank or badly formed messages', async () => {
    const { owner, taskId } = await taskAt('in_progress');
    const attachment = { name: 'a.pdf', url: 'https://files.example.com/a.pdf' };
    const cases: [unknown, string][] = [
      [{ text: 'a\u0000b' }, 'text'],
      [{ text: 'x'.repeat(5001) }, 'text'],
      [{ text: '' }, 'text'],
      [{ text: '   \n ' }, 'text'],
      [{}, 'text'],
      [{ text: 'ok', attachments: Array.from({ length: 11 }, () => attachment) }, 'attachments'],
      [{ text: 'ok', attachments: [{ name: 'a.pdf', url: 'http://files.example.com/a.pdf' }] }, 'attachments.0.url'],
      [{ text: 'ok', attachments: [{ name: 'a\u0000', url: attachment.url }] }, 'attachments.0.name'],
      [{ text: 'ok', author_id: owner.id }, 'author_id'],
    ];
    for (const [body, path] of cases) {
      const res = await send(taskId, owner, body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
      expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
    }
    expect((await sent(taskId, owner, { text: 'x'.repeat(5000), attachments: Array.from({ length: 10 }, () => attachment) })).text).toHaveLength(5000);
    expect((await list(taskId, owner)).body.total).toBe(1);
  });
});

describe('the list', () => {
  it('walks by starting_after without repeats or gaps, and refuses cursors outside the list', async () => {
    const { owner, pro, taskId } = await taskAt('in_progress');
    for (let i = 1; i <= 5; i++) await sent(taskId, i % 2 ? owner : pro, { text: `m${i}` });
    const first = await list(taskId, owner, '?limit=2');
    expect(first.body).toMatchObject({ total: 5, has_more: true });
    expect(texts(first)).toEqual(['m1', 'm2']);
    const second = await list(taskId, pro, `?limit=2&starting_after=${first.body.data[1].id}`);
    expect(texts(second)).toEqual(['m3', 'm4']);
    // Written between pages: it comes at the end, nothing is repeated.
    await sent(taskId, pro, { text: 'm6' });
    const third = await list(taskId, owner, `?limit=2&starting_after=${second.body.data[1].id}`);
    expect(texts(third)).toEqual(['m5', 'm6']);
    expect(third.body).toMatchObject({ total: 6, has_more: false, offset: 0 });
    expect(texts(await list(taskId, owner, '?limit=2&offset=4'))).toEqual(['m5', 'm6']);

    const elsewhere = await taskAt('in_progress');
    const foreign = await sent(elsewhere.taskId, elsewhere.owner, { text: 'other task' });
    for (const query of [`?starting_after=${foreign.id}`, '?starting_after=msg_unknown000000000', `?offset=1&starting_after=${first.body.data[0].id}`, '?limit=0', '?limit=101']) {
      const res = await list(taskId, owner, query);
      expect(res.status, query).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_ERROR');
    }
  });
});

describe('task.message_created', () => {
  it("reaches the owner's subscribed endpoint and the task's callback_url with the task and the message", async () => {
    const owner = await quickAccount('ai_client');
    const pro = await quickVerifiedProfessional();
    const endpoint = receiverPath();
    const callback = receiverPath();
    await createEndpoint(owner, endpoint.url, ['task.message_created']);
    const task = await createTask(owner, { callback_url: callback.url });
    await fundTask(owner, task.id, 15);
    const question = await sent(task.id, pro, { text: 'Does the clinic take walk-ins?' });
    await act(task.id, 'accept', pro);
    const message = await sent(task.id, pro, { text: 'On it.' });

    const [atEndpoint] = await waitForRequests(endpoint.path, 2).then((got) => got.map(parsed).filter((e) => e.data.task.status === 'in_progress'));
    expect(atEndpoint).toMatchObject({ type: 'task.message_created', created_at: message.created_at, data: { task: { id: task.id } } });
    expect((atEndpoint!.data as unknown as { message: unknown }).message).toEqual(message);
    // The callback gets every type: funded, the question, accepted, the message.
    const atCallback = (await waitForRequests(callback.path, 4)).map(parsed);
    const messages = atCallback.filter((e) => e.type === 'task.message_created').map((e) => (e.data as unknown as { message: { id: string } }).message.id);
    expect(messages.sort()).toEqual([question.id, message.id].sort());
  });
});

describe('waiting', () => {
  it('wakes within a second of a message from the other side and says why; a status change says status', async () => {
    const { owner, pro, taskId } = await taskAt('in_progress');
    const waiting = call(`/api/v1/tasks/${taskId}/wait?until=submitted&timeout=10`, { token: owner.token }).then((res) => ({ res, at: Date.now() }));
    await sleep(700);
    await sent(taskId, pro, { text: 'Quick question about the time.' });
    const sentAt = Date.now();
    const { res, at } = await waiting;
    console.log(JSON.stringify({ wait: { latency_after_message_ms: at - sentAt } }));
    expect(at - sentAt).toBeLessThan(1000);
    expect(res.status).toBe(200);
    expect(res.headers.get('X-Wait-Reason')).toBe('message');
    // Not the status waited for: a caller that only reads X-Wait-Timed-Out waits again, as it always did.
    expect(res.headers.get('X-Wait-Timed-Out')).toBe('true');
    expect(res.body).toMatchObject({ id: taskId, status: 'in_progress' });

    const again = await call(`/api/v1/tasks/${taskId}/wait?until=in_progress`, { token: owner.token });
    expect(again.headers.get('X-Wait-Reason')).toBe('status');
    expect(again.headers.get('X-Wait-Timed-Out')).toBe('false');
  });

  it("is not woken by the caller's own messages, nor by another professional's private thread", async () => {
    const { owner, taskId } = await taskAt('listed');
    const watcher = await quickVerifiedProfessional();
    const asker = await quickVerifiedProfessional();
    const ownerWait = call(`/api/v1/tasks/${taskId}/wait?timeout=2`, { token: owner.token });
    const watcherWait = call(`/api/v1/tasks/${taskId}/wait?timeout=2`, { token: watcher.token });
    await sleep(300);
    await sent(taskId, asker, { text: 'A question of mine.' });
    const watched = await watcherWait;
    expect(watched.headers.get('X-Wait-Reason')).toBe('timeout');
    // The owner sees every thread: the asker's question wakes them.
    expect((await ownerWait).headers.get('X-Wait-Reason')).toBe('message');

    const selfWait = call(`/api/v1/tasks/${taskId}/wait?timeout=2`, { token: asker.token });
    await sleep(300);
    await sent(taskId, asker, { text: 'And a follow-up.' });
    expect((await selfWait).headers.get('X-Wait-Reason')).toBe('timeout');
  });
});

describe('MCP', () => {
  it('send_message and list_messages; a retried send_message with one idempotency_key writes one message', async () => {
    const { owner, pro, taskId } = await taskAt('in_progress');
    const agent = await mcpClient(owner.token);
    const args = { task_id: taskId, text: 'Please call before 10.', idempotency_key: 'msg-once-1' };
    const first = await callTool(agent, 'send_message', args);
    expect(first).toMatchObject({ ok: true, data: { task_id: taskId, professional_id: pro.id, text: 'Please call before 10.' } });
    const retried = await callTool(agent, 'send_message', args);
    expect(retried).toMatchObject({ ok: true, data: first.ok ? first.data : {} });
    expect(retried.result._meta).toMatchObject({ idempotent_replayed: true });
    const mismatch = await callTool(agent, 'send_message', { ...args, text: 'Something else.' });
    expect(mismatch).toMatchObject({ ok: false, error: { code: 'IDEMPOTENCY_MISMATCH' } });

    const worker = await mcpClient(pro.token);
    await callTool(worker, 'send_message', { task_id: taskId, text: 'Will do.' });
    const listed = await callTool(agent, 'list_messages', { task_id: taskId });
    expect(listed).toMatchObject({ ok: true, data: { total: 2, has_more: false } });
    expect(listed.ok && listed.data.data.map((m: { text: string }) => m.text)).toEqual(['Please call before 10.', 'Will do.']);
    expect(listed.text).toContain('Will do.');
    expect((await list(taskId, owner)).body.data).toEqual(listed.ok ? listed.data.data : []);

    const outsider = await mcpClient((await quickAccount('ai_client')).token);
    expect(await callTool(outsider, 'send_message', { task_id: taskId, text: 'Hi' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(await callTool(outsider, 'list_messages', { task_id: taskId })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });

    const waited = await callTool(agent, 'wait_for_task', { task_id: taskId, until: ['in_progress'] });
    expect(waited).toMatchObject({ ok: true, data: { timed_out: false, reason: 'status' } });
    for (const client of [agent, worker, outsider]) await client.close();
  });
});
