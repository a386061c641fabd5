/** Task tools: the same services, schemas and roles as the /api/v1/tasks routes. */
import { z } from '@hono/zod-openapi';
import type { TaskView } from '../../db/queries/tasks';
import { assertOneStart, pageKnowingMore } from '../../lib/pagination';
import {
  ApproveBody,
  CreateTaskBody,
  ReasonBody,
  Status,
  TaskId,
  TaskListQuery,
  TaskPageSchema,
  TaskSchema,
  toNewTaskInput,
  toTaskDto,
  WaitTimeout,
  type TaskDto,
} from '../../schemas/tasks';
import { approveTask, cancelTask, requestRevision } from '../../services/tasks/actions';
import { createTask, getTask, listTasksFor } from '../../services/tasks/catalog';
import { WAIT_DEFAULT_SECONDS, WAIT_MAX_SECONDS, waitForTask } from '../../services/tasks/wait';
import { defineTool, type ToolContext } from '../tool';

const CLIENTS: ['ai_client', 'client'] = ['ai_client', 'client'];

const taskId = TaskId.meta({ description: 'The task id (task_...), as create_task or list_tasks returned it.' });
const TaskRef = z.strictObject({ task_id: taskId });

const dto = (_ctx: ToolContext, view: TaskView): TaskDto => toTaskDto(view);

const usd = (amount: number) => `${amount.toFixed(2)} USD`;

/** What an agent needs at a glance: status, who works on it, and the latest result. */
function describeTask(task: TaskDto): string {
  const lines = [`Task ${task.id} "${task.title}" is ${task.status} (funding ${task.funding.status}, budget ${usd(task.budget_amount)}).`];
  if (task.professional) lines.push(`Professional: ${task.professional.name}.`);
  if (task.result !== null) lines.push(`Result: ${task.result}`);
  return lines.join('\n');
}

export const createTaskTool = defineTool({
  name: 'create_task',
  title: 'Post a task',
  description:
    'Post a task for a verified human professional: a phone call, an errand, an inspection, research, writing or transcription. ' +
    'Use a category from list_categories. budget_amount is in US dollars (at most 2 decimals). The task starts open and unfunded: ' +
    'professionals see it only once it is funded into escrow (fund_task). An API key may carry spending limits (max_task_amount, daily_limit); ' +
    'a budget over them fails with SPENDING_LIMIT.',
  roles: CLIENTS,
  operation: 'POST /api/v1/tasks',
  input: CreateTaskBody,
  output: TaskSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async run(ctx, args) {
    const task = dto(ctx, await createTask(ctx.db, ctx.caller, toNewTaskInput(args)));
    return { result: task, summary: `Created task ${task.id} "${task.title}": open and unfunded, budget ${usd(task.budget_amount)}. Fund it with fund_task to list it for professionals.` };
  },
});

export const getTaskTool = defineTool({
  name: 'get_task',
  title: 'Read a task',
  description:
    "Read one task: status (open, in_progress, submitted, completed, canceled, disputed), funding, the assigned professional, and the result. " +
    'When status is submitted, result holds the latest delivery (deliverables holds every one); review it, then approve_task or request_revision.',
  roles: [],
  operation: 'GET /api/v1/tasks/{id}',
  input: TaskRef,
  output: TaskSchema,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(ctx, args) {
    const task = dto(ctx, await getTask(ctx.db, ctx.caller, args.task_id));
    return { result: task, summary: describeTask(task) };
  },
});

export const waitForTaskTool = defineTool({
  name: 'wait_for_task',
  title: 'Wait for a task to change',
  description:
    `Wait until a task reaches one of the statuses in until (for a delivery: ["submitted", "completed", "canceled", "disputed"]), or, without until, until its status changes; ` +
    `at most timeout seconds (1..${WAIT_MAX_SECONDS}, default ${WAIT_DEFAULT_SECONDS}). Returns at once if the task already is in one of them. ` +
    'It also answers when someone else writes you a message about the task (read it with list_messages). ' +
    'The result is the task as get_task shows it, with reason "status" (the status was reached), "message" or "timeout", and timed_out true unless the status was reached: then call wait_for_task again. Use it instead of polling get_task.',
  roles: [],
  operation: 'GET /api/v1/tasks/{id}/wait',
  input: z.strictObject({
    task_id: taskId,
    until: z
      .array(Status)
      .min(1)
      .optional()
      .meta({ description: 'Statuses to wait for. Omitted: any change of status.', examples: [['submitted', 'completed', 'canceled', 'disputed']] }),
    timeout: WaitTimeout,
  }),
  output: z.object({
    timed_out: z.boolean().meta({ description: 'True when the task is not in a status waited for: time ran out, or a message arrived first.' }),
    reason: z.enum(['status', 'message', 'timeout']).meta({ description: 'Why it answered: the status was reached, someone wrote a message you may read, or time ran out.' }),
    task: TaskSchema,
  }),
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(ctx, { task_id, until, timeout }) {
    const outcome = await waitForTask(ctx.db, ctx.caller, task_id, { until: until ?? null, timeoutMs: timeout * 1000, signal: ctx.signal });
    const task = dto(ctx, outcome.view);
    const summary =
      outcome.reason === 'message'
        ? `A new message on task ${task.id} (still ${task.status}): read it with list_messages, then call wait_for_task again.`
        : outcome.timedOut
          ? `No change yet after ${timeout} s: task ${task.id} is still ${task.status}. Call wait_for_task again to keep waiting.`
          : describeTask(task);
    return { result: { timed_out: outcome.timedOut, reason: outcome.reason, task }, summary };
  },
});

export const listTasksTool = defineTool({
  name: 'list_tasks',
  title: 'List your tasks',
  description:
    "The caller's tasks, newest first: a client's own tasks, or a professional's assigned ones. Filter by status or category; page with limit (1..100, default 20) and offset, or with starting_after (the last id of the previous page), which neither repeats nor skips tasks created meanwhile.",
  roles: [],
  operation: 'GET /api/v1/tasks',
  input: TaskListQuery,
  output: TaskPageSchema,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(ctx, query) {
    assertOneStart(query);
    const { status, category, limit, offset, starting_after } = query;
    const { views, total, totalCapped, hasMore } = await listTasksFor(ctx.db, ctx.caller, { status, category }, { limit, offset, startingAfter: starting_after });
    const tasks = views.map((view) => dto(ctx, view));
    const lines = tasks.map((t) => `${t.id} ${t.status} ${usd(t.budget_amount)} "${t.title}"`);
    return { result: pageKnowingMore(tasks, total, limit, offset, hasMore, totalCapped), summary: [`${tasks.length} of ${total} tasks (offset ${offset}).`, ...lines].join('\n') };
  },
});

export const approveTaskTool = defineTool({
  name: 'approve_task',
  title: 'Approve the delivered work',
  description:
    'Accept a submitted task: it becomes completed and its escrow is released to the professional (less the platform fee). ' +
    'Optionally rate the work 1..5 with a short review. Only for the task owner, and only while the task is submitted.',
  roles: CLIENTS,
  operation: 'POST /api/v1/tasks/{id}/approve',
  input: ApproveBody.safeExtend({ task_id: taskId }),
  output: TaskSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async run(ctx, { task_id, rating, review }) {
    const task = dto(ctx, await approveTask(ctx.db, ctx, ctx.caller, task_id, { rating, review }));
    return { result: task, summary: `Approved task ${task.id}: completed; the escrow is released to ${task.professional?.name ?? 'the professional'}.` };
  },
});

export const requestRevisionTool = defineTool({
  name: 'request_revision',
  title: 'Send the work back',
  description:
    'Send a submitted task back to its professional with the reason (what to fix or add); it returns to in_progress and the professional submits again. ' +
    'Only for the task owner, and only while the task is submitted.',
  roles: CLIENTS,
  operation: 'POST /api/v1/tasks/{id}/request-revision',
  input: ReasonBody.safeExtend({ task_id: taskId }),
  output: TaskSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async run(ctx, { task_id, reason }) {
    const task = dto(ctx, await requestRevision(ctx.db, ctx, ctx.caller, task_id, reason));
    return { result: task, summary: `Task ${task.id} is back in_progress; the professional has your reason.` };
  },
});

export const cancelTaskTool = defineTool({
  name: 'cancel_task',
  title: 'Withdraw an open task',
  description:
    'Withdraw a task nobody has accepted yet (status open); any escrow it holds is refunded. Once a professional has accepted it, it can no longer be canceled.',
  roles: CLIENTS,
  operation: 'POST /api/v1/tasks/{id}/cancel',
  input: TaskRef,
  output: TaskSchema,
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  async run(ctx, args) {
    const task = dto(ctx, await cancelTask(ctx.db, ctx, ctx.caller, args.task_id));
    return { result: task, summary: `Canceled task ${task.id}; any escrow it held is refunded.` };
  },
});
