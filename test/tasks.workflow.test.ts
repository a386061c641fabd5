/** The happy paths: the seed's whole workflow, and every lifecycle branch the contract draws. */
import { describe, expect, it } from 'vitest';
import { call } from './support/api';
import { newAccount, newAdmin, uniqueEmail } from './support/accounts';
import { createTask, daysFromNow, fundTask, quickAccount, quickVerifiedProfessional, seedTaskBody, taskAt } from './support/tasks';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const post = (path: string, token: string, body?: unknown) => call(path, { method: 'POST', token, body });

describe('the seed workflow, end to end', () => {
  it('agent registers, posts, a verified professional delivers, the agent polls, reads the result and approves', async () => {
    // Step 1: register and log in as an AI agent.
    const email = uniqueEmail('agent');
    const reg = await call('/auth/register', { body: { email, password: 'agent-password', full_name: 'Research Agent', role: 'ai_client' } });
    expect(reg.status).toBe(201);
    const login = await call('/auth/login', { body: { email, password: 'agent-password' } });
    expect(login.status).toBe(200);
    const agent = login.body.access_token as string;

    // Step 2: create the seed's task.
    const created = await post('/api/v1/tasks', agent, seedTaskBody());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^task_[0-9A-Za-z]{16}$/), status: 'open', budget_amount: 15 });
    const taskId = created.body.id as string;

    // Step 3: fund it through checkout; Stripe's webhook credits the escrow.
    await fundTask({ token: agent }, taskId, 15);

    // A professional signs up; an admin verifies them; they find the task in the marketplace and take it.
    const pro = await newAccount('professional', 'Sarah Miller');
    const admin = await newAdmin();
    const verified = await post(`/api/v1/admin/professionals/${pro.id}/verify`, admin.token);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ id: pro.id, verified: true, rating: null, completed_tasks: 0 });
    const market = await call('/api/v1/marketplace/tasks?limit=100', { token: pro.token });
    expect(market.status).toBe(200);
    expect(market.body.data.map((t: { id: string }) => t.id)).toContain(taskId);
    const accepted = await post(`/api/v1/tasks/${taskId}/accept`, pro.token);
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('in_progress');

    // Step 4: the agent polls: not yet.
    const polling = await call(`/api/v1/tasks/${taskId}`, { token: agent });
    expect(polling.body.status).toBe('in_progress');
    expect(polling.body.result).toBeNull();

    const submitted = await post(`/api/v1/tasks/${taskId}/submit`, pro.token, { text: 'Appointment scheduled for March 12, 9:30 AM.' });
    expect(submitted.status).toBe(200);

    // Step 5: ready to review: status, result, professional and submitted_at, as the seed shows them.
    const ready = await call(`/api/v1/tasks/${taskId}`, { token: agent });
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'submitted',
      result: 'Appointment scheduled for March 12, 9:30 AM.',
      professional: { id: pro.id, name: 'Sarah M.', rating: null },
      submitted_at: expect.stringMatching(ISO),
    });

    const approved = await post(`/api/v1/tasks/${taskId}/approve`, agent, { rating: 5, review: 'Quick and clear.' });
    expect(approved.status).toBe(200);
    const done = await call(`/api/v1/tasks/${taskId}`, { token: agent });
    expect(done.body).toMatchObject({ status: 'completed', completed_at: expect.stringMatching(ISO), professional: { rating: 5 } });

    const me = await call('/auth/me', { token: pro.token });
    expect(me.body.professional).toMatchObject({ verified: true, rating: 5, completed_tasks: 1 });

    const events = await call(`/api/v1/tasks/${taskId}/events`, { token: agent });
    expect(events.status).toBe(200);
    expect(events.body.data.map((e: { type: string }) => e.type)).toEqual(['created', 'accepted', 'submitted', 'approved']);
    expect(events.body.data[1]).toMatchObject({ from_status: 'open', to_status: 'in_progress', actor_id: pro.id, at: expect.stringMatching(ISO) });
    expect(events.body.total).toBe(4);
  });
});

describe('the task object', () => {
  it('has every field on create, null where empty, with funding unfunded', async () => {
    const owner = await quickAccount('ai_client');
    const deadline = daysFromNow(30);
    const res = await post('/api/v1/tasks', owner.token, seedTaskBody({ budget_amount: 49.99, deadline }));
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^task_/),
      title: 'Call dentist to schedule appointment',
      description: 'Call Dr. Smith and book a cleaning next week, mornings only.',
      category: 'business_calls',
      location_type: 'remote',
      location: null,
      budget_amount: 49.99,
      budget_type: 'fixed',
      currency: 'usd',
      deadline,
      required_evidence: { photos: 0, documents: 0, audio: 0 },
      status: 'open',
      funding: { status: 'unfunded', escrow_amount: 0 },
      client_id: owner.id,
      professional: null,
      result: null,
      deliverables: [],
      submitted_at: null,
      completed_at: null,
      canceled_at: null,
      created_at: expect.stringMatching(ISO),
      updated_at: expect.stringMatching(ISO),
      metadata: {},
      livemode: true,
    });
    const read = await call(`/api/v1/tasks/${res.body.id}`, { token: owner.token });
    expect(read.body).toEqual(res.body);
  });

  it('keeps a local task\'s location, takes an hourly budget and no deadline', async () => {
    const owner = await quickAccount('client');
    const body = seedTaskBody({ category: 'property_inspections', location_type: 'local', location: 'Austin, TX', budget_type: 'hourly', budget_amount: 40 });
    delete (body as Record<string, unknown>).deadline;
    const res = await post('/api/v1/tasks', owner.token, body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ location_type: 'local', location: 'Austin, TX', budget_type: 'hourly', budget_amount: 40, deadline: null });
  });

  it('shows funding once the task is funded', async () => {
    const owner = await quickAccount();
    const task = await createTask(owner);
    await fundTask(owner, task.id, 20.5);
    const read = await call(`/api/v1/tasks/${task.id}`, { token: owner.token });
    expect(read.body.funding).toEqual({ status: 'funded', escrow_amount: 20.5 });
  });
});

describe('lifecycle branches', () => {
  it('keeps every submission as a deliverable; result is the latest after a revision', async () => {
    const { owner, pro, taskId } = await taskAt('submitted');
    const revise = await post(`/api/v1/tasks/${taskId}/request-revision`, owner.token, { reason: 'Please confirm the insurance too.' });
    expect(revise.status).toBe(200);
    expect(revise.body.status).toBe('in_progress');

    const second = await post(`/api/v1/tasks/${taskId}/submit`, pro.token, {
      text: 'Appointment scheduled; insurance confirmed.',
      attachments: [{ name: 'confirmation.pdf', url: 'https://files.example.com/c.pdf' }],
      data: { appointment_at: '2026-12-12T09:30:00-05:00', insurance_ok: true },
    });
    expect(second.status).toBe(200);
    expect(second.body.status).toBe('submitted');
    expect(second.body.result).toBe('Appointment scheduled; insurance confirmed.');
    expect(second.body.deliverables).toHaveLength(2);
    expect(second.body.deliverables[0]).toMatchObject({ text: 'Appointment scheduled for Tuesday 9:30.', attachments: [], data: null });
    expect(second.body.deliverables[1]).toEqual({
      id: expect.stringMatching(/^sub_/),
      text: 'Appointment scheduled; insurance confirmed.',
      attachments: [{ name: 'confirmation.pdf', url: 'https://files.example.com/c.pdf' }],
      data: { appointment_at: '2026-12-12T09:30:00-05:00', insurance_ok: true },
      submitted_at: expect.stringMatching(ISO),
    });

    const events = await call(`/api/v1/tasks/${taskId}/events`, { token: pro.token });
    const revision = events.body.data.find((e: { type: string }) => e.type === 'revision_requested');
    expect(revision).toMatchObject({ from_status: 'submitted', to_status: 'in_progress', actor_id: owner.id, note: 'Please confirm the insurance too.' });
  });

  it('approves through the /complete alias without a rating', async () => {
    const { owner, pro, taskId } = await taskAt('submitted');
    const res = await post(`/api/v1/tasks/${taskId}/complete`, owner.token);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('completed');
    expect(res.body.professional.rating).toBeNull();
    const me = await call('/auth/me', { token: pro.token });
    expect(me.body.professional.completed_tasks).toBe(1);
  });

  it('averages ratings across tasks to one decimal', async () => {
    const pro = await quickVerifiedProfessional();
    for (const rating of [5, 4, 4]) {
      const owner = await quickAccount();
      const task = await createTask(owner);
      await fundTask(owner, task.id, 15);
      await post(`/api/v1/tasks/${task.id}/accept`, pro.token);
      await post(`/api/v1/tasks/${task.id}/submit`, pro.token, { text: 'done' });
      expect((await post(`/api/v1/tasks/${task.id}/approve`, owner.token, { rating })).status).toBe(200);
    }
    const me = await call('/auth/me', { token: pro.token });
    expect(me.body.professional).toMatchObject({ rating: 4.3, completed_tasks: 3 });
  });

  it('cancels an open task', async () => {
    const { owner, taskId } = await taskAt('listed');
    const res = await post(`/api/v1/tasks/${taskId}/cancel`, owner.token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'canceled', canceled_at: expect.stringMatching(ISO) });
  });

  it('lets the professional dispute, and an admin resolve for the professional (release -> completed)', async () => {
    const { owner, pro, taskId } = await taskAt('in_progress');
    const disputed = await post(`/api/v1/tasks/${taskId}/dispute`, pro.token, { reason: 'The client stopped answering.' });
    expect(disputed.status).toBe(200);
    expect(disputed.body.status).toBe('disputed');
    const admin = await quickAccount('admin');
    const resolved = await post(`/api/v1/admin/tasks/${taskId}/resolve`, admin.token, { outcome: 'release', note: 'Work was delivered by phone.' });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'completed', completed_at: expect.stringMatching(ISO) });
    const events = await call(`/api/v1/tasks/${taskId}/events`, { token: owner.token });
    expect(events.body.data.at(-1)).toMatchObject({
      type: 'resolved',
      from_status: 'disputed',
      to_status: 'completed',
      actor_id: admin.id,
      note: 'release: Work was delivered by phone.',
    });
  });

  it('lets the owner dispute a submitted task, and an admin refund it (-> canceled)', async () => {
    const { owner, taskId } = await taskAt('submitted');
    expect((await post(`/api/v1/tasks/${taskId}/dispute`, owner.token, { reason: 'Wrong dentist.' })).status).toBe(200);
    const admin = await quickAccount('admin');
    const resolved = await post(`/api/v1/admin/tasks/${taskId}/resolve`, admin.token, { outcome: 'refund' });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'canceled', canceled_at: expect.stringMatching(ISO) });
  });
});

describe('categories', () => {
  it('lists the six seed categories with their descriptions, without signing in', async () => {
    const res = await call('/api/v1/categories');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: [
        { category: 'business_calls', description: 'Phone calls, scheduling, outreach' },
        { category: 'research_analysis', description: 'Research, fact-checking, analysis' },
        { category: 'errands_delivery', description: 'Physical errands and local pickups' },
        { category: 'writing_translation', description: 'Writing, editing, translation' },
        { category: 'data_entry_transcription', description: 'Data entry, transcription, digitization' },
        { category: 'property_inspections', description: 'In-person property inspections' },
      ],
      total: 6,
      total_capped: false,
      limit: 20,
      offset: 0,
      has_more: false,
    });
  });
});
