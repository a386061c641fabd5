/** Messages on a task between its owner and professionals: operations at /api/v1/tasks/{id}/messages and MCP tools. */
import { assertOneStart, pageKnowingMore } from '../lib/pagination';
import { MessageListQuery, MessagePageSchema, MessageSchema, SendMessageBody, TaskIdParam, toMessageDto, type MessageDto } from '../schemas/tasks';
import { listMessages, sendMessage } from '../services/tasks/messages';
import { defineOperation } from './operation';
import { TASK_ID_ARG } from './tasks';

const line = (m: MessageDto) => `${m.id} ${m.created_at} ${m.author.name} (${m.author.role}, thread ${m.professional_id}): ${m.text}`;

export const sendMessageOperation = defineOperation({
  name: 'send_message',
  method: 'post',
  path: '/tasks/{id}/messages',
  roles: ['ai_client', 'client', 'professional'],
  idempotent: true,
  params: TaskIdParam,
  body: SendMessageBody,
  output: MessageSchema,
  status: 201,
  async run(ctx, { params, body }) {
    const view = await sendMessage(ctx.db, ctx, ctx.caller, params.id, {
      text: body.text,
      attachments: body.attachments ?? [],
      professionalId: body.professional_id ?? null,
    });
    return toMessageDto(view);
  },
  rest: {
    tags: ['Tasks'],
    summary: 'Write a message about a task',
    description:
      "The task's owner and its assigned professional talk here; before acceptance a verified professional who sees the listed task may ask the owner a question, in a thread private to the two of them. " +
      'The owner answers such a question by naming the thread (professional_id; required while the task is unassigned and more than one professional has asked). ' +
      "After acceptance the assignee's thread is the task's conversation and other threads are read-only. Open, in_progress, submitted and disputed tasks take messages; completed and canceled ones answer 409. " +
      "Sends task.message_created to the owner's webhooks and the task's callback_url.",
    outputDescription: 'The message',
    errors: [404, 409],
  },
  mcp: {
    title: 'Write a message about a task',
    description:
      'Write to the other side of a task: the owner to the assigned professional, or the professional to the owner. Before acceptance a verified professional may ask the owner a question in a private thread; ' +
      'the owner answers by naming that thread with professional_id (required while the task is unassigned and more than one professional has asked). ' +
      'Open, in_progress, submitted and disputed tasks take messages; completed and canceled ones do not. The other side hears of it through wait_for_task and task.message_created.',
    pathArgs: TASK_ID_ARG,
    annotations: { openWorldHint: true },
    summary: (message) => `Sent message ${message.id} on task ${message.task_id} (thread ${message.professional_id}).`,
  },
});

export const listMessagesOperation = defineOperation({
  name: 'list_messages',
  method: 'get',
  path: '/tasks/{id}/messages',
  roles: 'any',
  idempotent: false,
  params: TaskIdParam,
  query: MessageListQuery,
  output: MessagePageSchema,
  status: 200,
  async run(ctx, { params, query }) {
    assertOneStart(query);
    const { limit, offset, starting_after, professional_id } = query;
    const { views, total, hasMore } = await listMessages(ctx.db, ctx.caller, params.id, { professionalId: professional_id }, {
      limit,
      offset,
      startingAfter: starting_after,
    });
    return pageKnowingMore(views.map(toMessageDto), total, limit, offset, hasMore);
  },
  rest: {
    tags: ['Tasks'],
    summary: "A task's messages",
    description:
      'Oldest first. The owner (and admins) read every thread, or one with professional_id; a professional reads their own thread only. ' +
      'Page with limit and offset, or walk with starting_after (the id of the last message of the previous page): messages written meanwhile are neither repeated nor skipped.',
    outputDescription: 'A page of messages',
    errors: [404],
  },
  mcp: {
    title: "Read a task's messages",
    description:
      "A task's messages, oldest first: the owner reads every thread (or one, with professional_id), a professional their own. " +
      'Page with limit (1..100, default 20) and offset, or with starting_after (the id of the last message read), which neither repeats nor skips messages written meanwhile.',
    pathArgs: TASK_ID_ARG,
    annotations: { openWorldHint: false },
    summary: (page) =>
      [`${page.data.length} of ${page.total} messages${page.has_more ? '; more follow (starting_after the last id)' : ''}.`, ...page.data.map(line)].join('\n'),
  },
});
