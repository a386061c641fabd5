/** Posting, reading, waiting on and deciding tasks: operations served at /api/v1/tasks and as MCP tools. */
import { z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppBindings } from '../context';
import { assertOneStart, page, PageQuery, pageKnowingMore, pageSchema } from '../lib/pagination';
import { QuoteSchema } from '../schemas/quotes';
import {
  ApproveBody,
  CreatedTaskSchema,
  CreateTaskRequest,
  ReasonBody,
  TaskEventSchema,
  TaskId,
  TaskIdParam,
  TaskListQuery,
  TaskPageSchema,
  TaskSchema,
  toNewTaskInput,
  toTaskDto,
  toTaskEventDto,
  WaitQuery,
  type TaskDto,
} from '../schemas/tasks';
import { approveTask, cancelTask, disputeTask, requestRevision } from '../services/tasks/actions';
import { createTask, getTask, getTaskWithCredential, listTasksFor, taskHistory } from '../services/tasks/catalog';
import { WAIT_DEFAULT_SECONDS, WAIT_MAX_SECONDS, waitForTask } from '../services/tasks/wait';
import { createTaskWithCallback } from '../services/webhooks/callbacks';
import { defineOperation } from './operation';
import { quoteOf } from './quotes';

const CLIENTS: ['ai_client', 'client'] = ['ai_client', 'client'];

/** REST's `{id}` as the tool argument `task_id`. */
export const TASK_ID_ARG = {
  id: { name: 'task_id', schema: TaskId.meta({ description: 'The task id (task_...), as create_task or list_tasks returned it.' }) },
};

const usd = (amount: number) => `${amount.toFixed(2)} USD`;

/** What an agent needs at a glance: status, who works on it, and the latest result. */
function describeTask(task: TaskDto): string {
  const lines = [`Task ${task.id} "${task.title}" is ${task.status} (funding ${task.funding.status}, budget ${usd(task.budget_amount)}).`];
  if (task.professional) lines.push(`Professional: ${task.professional.name}.`);
  if (task.result !== null) lines.push(`Result: ${task.result}`);
  return lines.join('\n');
}

const CreateQuery = z.object({
  dry_run: z
    .enum(['true', 'false'])
    .optional()
    .openapi({
      param: { name: 'dry_run', in: 'query' },
      description: 'true: create nothing; answer 200 with the quote of this body (as POST /api/v1/tasks/quote, funding the budget).',
      example: 'true',
    }),
});

export const createTaskOperation = defineOperation({
  name: 'create_task',
  method: 'post',
  path: '/tasks',
  roles: CLIENTS,
  idempotent: true,
  body: CreateTaskRequest,
  output: CreatedTaskSchema,
  status: 201,
  async run(ctx, { body }) {
    if (!body.callback_url) return toTaskDto(await createTask(ctx.db, ctx.caller, toNewTaskInput(body)));
    const { view, callbackSecret } = await createTaskWithCallback(ctx.db, ctx.env, ctx.caller, toNewTaskInput(body), body.callback_url);
    return { ...toTaskDto(view), callback_url: body.callback_url, callback_secret: callbackSecret };
  },
  rest: {
    tags: ['Tasks'],
    summary: 'Post a task',
    description:
      'The primary endpoint for AI agents delegating real-world work. The task starts open and unfunded; fund it to list it. With ?dry_run=true nothing is created and the answer is the quote of the body (200, the TaskQuote object); a dry run stores nothing under an Idempotency-Key.',
    outputDescription: 'The new task (status open)',
    errors: [],
    variant: {
      query: CreateQuery,
      response: { status: 200, schema: QuoteSchema, description: 'dry_run=true: the quote of the body; nothing was created' },
      // Read before the body is validated, so a dry run's schema failures can be part of its quote.
      applies: (c: Context<AppBindings>) => c.req.query('dry_run') === 'true',
      answer: quoteOf,
    },
  },
  mcp: {
    title: 'Post a task',
    description:
      'Post a task for a verified human professional: a phone call, an errand, an inspection, research, writing or transcription. ' +
      'Use a category from list_categories. budget_amount is in US dollars (at most 2 decimals). The task starts open and unfunded: ' +
      'professionals see it only once it is funded into escrow (fund_task). An API key may carry spending limits (max_task_amount, daily_limit); ' +
      'a budget over them fails with SPENDING_LIMIT. Learn the cost first with quote_task.',
    annotations: { openWorldHint: true },
    summary: (task) =>
      `Created task ${task.id} "${task.title}": open and unfunded, budget ${usd(task.budget_amount)}. Fund it with fund_task to list it for professionals.`,
  },
});

export const getTaskOperation = defineOperation({
  name: 'get_task',
  method: 'get',
  path: '/tasks/{id}',
  roles: 'any',
  idempotent: false,
  params: TaskIdParam,
  output: TaskSchema,
  status: 200,
  run: async (ctx, { params }) => toTaskDto(await getTask(ctx.db, ctx.caller, params.id)),
  runWithCredential: async (ctx, credential, { params }) => toTaskDto(await getTaskWithCredential(ctx.db, credential, params.id)),
  rest: {
    tags: ['Tasks'],
    summary: 'Read a task',
    description:
      'Status, assigned professional, result and deliverables: poll this until status is submitted. Visible to the owner, the assigned professional, and verified professionals while the task is listed.',
    outputDescription: 'The task',
    errors: [404],
  },
  mcp: {
    title: 'Read a task',
    description:
      'Read one task: status (open, in_progress, submitted, completed, canceled, disputed), funding, the assigned professional, and the result. ' +
      'When status is submitted, result holds the latest delivery (deliverables holds every one); review it, then approve_task or request_revision.',
    pathArgs: TASK_ID_ARG,
    annotations: { openWorldHint: false },
    summary: describeTask,
  },
});

const WaitOutcomeSchema = z.object({
  timed_out: z.boolean().meta({ description: 'True when the task is not in a status waited for: time ran out, or a message arrived first.' }),
  reason: z.enum(['status', 'message', 'timeout']).meta({ description: 'Why it answered: the status was reached, someone wrote a message you may read, or time ran out.' }),
  task: TaskSchema,
});

const WaitHeaders = z.object({
  'X-Wait-Timed-Out': z.enum(['true', 'false']).openapi({
    description:
      'Always sent. "false": the task returned is in one of the `until` statuses (or, without `until`, its status changed). "true": it is not: time ran out first, or a message woke the wait (X-Wait-Reason says which); call again to keep waiting.',
    example: 'false',
  }),
  'X-Wait-Reason': z.enum(['status', 'message', 'timeout']).openapi({
    description:
      'Always sent. "status": the status condition is met. "message": someone else wrote a message the caller may read (GET /api/v1/tasks/{id}/messages). "timeout": neither happened within `timeout`.',
    example: 'status',
  }),
});

export const waitForTaskOperation = defineOperation({
  name: 'wait_for_task',
  method: 'get',
  path: '/tasks/{id}/wait',
  roles: 'any',
  idempotent: false,
  params: TaskIdParam,
  query: WaitQuery,
  output: WaitOutcomeSchema,
  status: 200,
  async run(ctx, { params, query }) {
    const outcome = await waitForTask(ctx.db, ctx.caller, params.id, { until: query.until ?? null, timeoutMs: query.timeout * 1000, signal: ctx.signal });
    return { timed_out: outcome.timedOut, reason: outcome.reason, task: toTaskDto(outcome.view) };
  },
  rest: {
    tags: ['Tasks'],
    summary: 'Wait for a task to change or a message',
    description:
      'Holds the request until the task reaches one of the `until` statuses (at once if it already is in one) or, without `until`, until its status differs from the status it had when the call arrived; or until someone else writes a message the caller may read; at most `timeout` seconds. ' +
      'Answers 200 with the task exactly as GET /api/v1/tasks/{id} shows it (same visibility rules) either way: X-Wait-Reason says why it answered. A change is seen within about half a second. Call it again to keep waiting.',
    outputDescription: 'The task',
    errors: [404],
    responseBody: TaskSchema,
    responseHeaders: WaitHeaders,
    respond(c, result) {
      const { timed_out, reason, task } = result as z.output<typeof WaitOutcomeSchema>;
      c.header('X-Wait-Timed-Out', String(timed_out));
      c.header('X-Wait-Reason', reason);
      return c.json(task, 200);
    },
  },
  mcp: {
    title: 'Wait for a task to change',
    description:
      `Wait until a task reaches one of the statuses in until (for a delivery: ["submitted", "completed", "canceled", "disputed"]), or, without until, until its status changes; ` +
      `at most timeout seconds (1..${WAIT_MAX_SECONDS}, default ${WAIT_DEFAULT_SECONDS}). Returns at once if the task already is in one of them. ` +
      'It also answers when someone else writes you a message about the task (read it with list_messages). ' +
      'The result is the task as get_task shows it, with reason "status" (the status was reached), "message" or "timeout", and timed_out true unless the status was reached: then call wait_for_task again. Use it instead of polling get_task.',
    pathArgs: TASK_ID_ARG,
    annotations: { openWorldHint: false },
    summary: ({ reason, timed_out, task }) =>
      reason === 'message'
        ? `A new message on task ${task.id} (still ${task.status}): read it with list_messages, then call wait_for_task again.`
        : timed_out
          ? `No change yet: task ${task.id} is still ${task.status}. Call wait_for_task again to keep waiting.`
          : describeTask(task),
  },
});

export const listTasksOperation = defineOperation({
  name: 'list_tasks',
  method: 'get',
  path: '/tasks',
  roles: 'any',
  idempotent: false,
  query: TaskListQuery,
  output: TaskPageSchema,
  status: 200,
  async run(ctx, { query }) {
    assertOneStart(query);
    const { status, category, limit, offset, starting_after } = query;
    const { views, total, totalCapped, hasMore } = await listTasksFor(ctx.db, ctx.caller, { status, category }, { limit, offset, startingAfter: starting_after });
    return pageKnowingMore(views.map(toTaskDto), total, limit, offset, hasMore, totalCapped);
  },
  rest: {
    tags: ['Tasks'],
    summary: "The caller's tasks",
    description:
      "A client's own tasks, or a professional's assigned ones; newest first. Page with limit and offset, or walk with starting_after (the last id of the previous page): rows added meanwhile are neither repeated nor skipped.",
    outputDescription: 'A page of tasks',
    errors: [],
  },
  mcp: {
    title: 'List your tasks',
    description:
      "The caller's tasks, newest first: a client's own tasks, or a professional's assigned ones. Filter by status or category; page with limit (1..100, default 20) and offset, or with starting_after (the last id of the previous page), which neither repeats nor skips tasks created meanwhile.",
    annotations: { openWorldHint: false },
    summary: (page) =>
      [
        `${page.data.length} of ${page.total} tasks (offset ${page.offset}).`,
        ...page.data.map((t) => `${t.id} ${t.status} ${usd(t.budget_amount)} "${t.title}"`),
      ].join('\n'),
  },
});

export const approveTaskOperation = defineOperation({
  name: 'approve_task',
  method: 'post',
  path: '/tasks/{id}/approve',
  roles: CLIENTS,
  idempotent: true,
  params: TaskIdParam,
  body: ApproveBody,
  output: TaskSchema,
  status: 200,
  run: async (ctx, { params, body }) => toTaskDto(await approveTask(ctx.db, ctx, ctx.caller, params.id, body)),
  rest: {
    tags: ['Tasks'],
    summary: 'Approve the result (owner)',
    description:
      'submitted -> completed; releases the escrow to the professional (a fixed-price task pays its budget; what was funded above it returns to your available balance). Optionally rate the work 1..5 with a review.',
    outputDescription: 'The task, now completed',
    errors: [404, 409],
    bodyOptional: true,
    // One operation under two paths; operationIds are unique per path, so the alias has its own.
    aliases: [{ path: '/tasks/{id}/complete', operationId: 'complete_task', summary: 'Approve the result (owner; alias of /approve)' }],
  },
  mcp: {
    title: 'Approve the delivered work',
    description:
      'Accept a submitted task: it becomes completed and its escrow is released to the professional (less the platform fee). ' +
      'Optionally rate the work 1..5 with a short review. Only for the task owner, and only while the task is submitted.',
    pathArgs: TASK_ID_ARG,
    annotations: { openWorldHint: true },
    summary: (task) => `Approved task ${task.id}: completed; the escrow is released to ${task.professional?.name ?? 'the professional'}.`,
  },
});

export const requestRevisionOperation = defineOperation({
  name: 'request_revision',
  method: 'post',
  path: '/tasks/{id}/request-revision',
  roles: CLIENTS,
  idempotent: true,
  params: TaskIdParam,
  body: ReasonBody,
  output: TaskSchema,
  status: 200,
  run: async (ctx, { params, body }) => toTaskDto(await requestRevision(ctx.db, ctx, ctx.caller, params.id, body.reason)),
  rest: {
    tags: ['Tasks'],
    summary: 'Send the work back (owner)',
    description: 'submitted -> in_progress, with the reason recorded in the history for the professional.',
    outputDescription: 'The task, back in_progress',
    errors: [404, 409],
  },
  mcp: {
    title: 'Send the work back',
    description:
      'Send a submitted task back to its professional with the reason (what to fix or add); it returns to in_progress and the professional submits again. ' +
      'Only for the task owner, and only while the task is submitted.',
    pathArgs: TASK_ID_ARG,
    annotations: { openWorldHint: true },
    summary: (task) => `Task ${task.id} is back in_progress; the professional has your reason.`,
  },
});

export const cancelTaskOperation = defineOperation({
  name: 'cancel_task',
  method: 'post',
  path: '/tasks/{id}/cancel',
  roles: CLIENTS,
  idempotent: true,
  params: TaskIdParam,
  output: TaskSchema,
  status: 200,
  run: async (ctx, { params }) => toTaskDto(await cancelTask(ctx.db, ctx, ctx.caller, params.id)),
  rest: {
    tags: ['Tasks'],
    summary: 'Withdraw an open task (owner)',
    description: 'open -> canceled; a funded escrow is refunded. Once a professional has accepted, use dispute instead.',
    outputDescription: 'The task, now canceled',
    errors: [404, 409],
  },
  mcp: {
    title: 'Withdraw an open task',
    description:
      'Withdraw a task nobody has accepted yet (status open); any escrow it holds is refunded. Once a professional has accepted it, it can no longer be canceled.',
    pathArgs: TASK_ID_ARG,
    annotations: { destructiveHint: true, openWorldHint: true },
    summary: (task) => `Canceled task ${task.id}; any escrow it held is refunded.`,
  },
});

export const disputeTaskOperation = defineOperation({
  name: 'dispute_task',
  method: 'post',
  path: '/tasks/{id}/dispute',
  roles: ['ai_client', 'client', 'professional'],
  idempotent: true,
  params: TaskIdParam,
  body: ReasonBody,
  output: TaskSchema,
  status: 200,
  run: async (ctx, { params, body }) => toTaskDto(await disputeTask(ctx.db, ctx, ctx.caller, params.id, body.reason)),
  rest: {
    tags: ['Tasks'],
    summary: 'Open a dispute (owner or assigned professional)',
    description: 'in_progress or submitted -> disputed. The escrow stays held until an admin resolves it.',
    outputDescription: 'The task, now disputed',
    errors: [404, 409],
  },
  mcp: {
    title: 'Dispute the work',
    description:
      'Open a dispute on a task that is in_progress or submitted, with the reason (what went wrong). The escrow stays held until the platform resolves it: ' +
      'it releases the escrow to the professional or refunds it. Use request_revision first when the work can still be fixed. For the task owner or its professional.',
    pathArgs: TASK_ID_ARG,
    annotations: { openWorldHint: true },
    summary: (task) => `Task ${task.id} is disputed; its escrow stays held until the platform resolves it.`,
  },
});

export const listTaskEventsOperation = defineOperation({
  name: 'list_task_events',
  method: 'get',
  path: '/tasks/{id}/events',
  roles: 'any',
  idempotent: false,
  params: TaskIdParam,
  query: PageQuery,
  output: pageSchema(TaskEventSchema, 'TaskEventPage'),
  status: 200,
  async run(ctx, { params, query: { limit, offset } }) {
    const { events, total } = await taskHistory(ctx.db, ctx.caller, params.id, { limit, offset });
    return page(events.map(toTaskEventDto), total, limit, offset);
  },
  rest: {
    tags: ['Tasks'],
    summary: "A task's history",
    description: 'Every status change, oldest first. Readable by whoever can read the task.',
    outputDescription: 'The history',
    errors: [404],
  },
  mcp: {
    title: "A task's history",
    description: "Every status change of a task, oldest first, with who made it and the note given (a revision's or a dispute's reason). Page with limit (1..100, default 20) and offset.",
    pathArgs: TASK_ID_ARG,
    annotations: { openWorldHint: false },
    summary: (events) =>
      [
        `${events.data.length} of ${events.total} events.`,
        ...events.data.map((e) => `${e.at} ${e.from_status ?? '(new)'} -> ${e.to_status}${e.note ? `: ${e.note}` : ''}`),
      ].join('\n'),
  },
});
