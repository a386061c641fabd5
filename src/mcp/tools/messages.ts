/** Message tools: the same service, schemas and roles as POST/GET /api/v1/tasks/{id}/messages. */
import { assertOneStart, pageKnowingMore } from '../../lib/pagination';
import { MessageListQuery, MessagePageSchema, MessageSchema, SendMessageBody, TaskId, toMessageDto, type MessageDto } from '../../schemas/tasks';
import { listMessages, sendMessage } from '../../services/tasks/messages';
import { defineTool } from '../tool';

const taskId = TaskId.meta({ description: 'The task id (task_...).' });

const line = (m: MessageDto) => `${m.id} ${m.created_at} ${m.author.name} (${m.author.role}, thread ${m.professional_id}): ${m.text}`;

export const sendMessageTool = defineTool({
  name: 'send_message',
  title: 'Write a message about a task',
  description:
    "Write to the other side of a task: the owner to the assigned professional, or the professional to the owner. Before acceptance a verified professional may ask the owner a question in a private thread; " +
    'the owner answers by naming that thread with professional_id (required while the task is unassigned and more than one professional has asked). ' +
    'Open, in_progress, submitted and disputed tasks take messages; completed and canceled ones do not. The other side hears of it through wait_for_task and task.message_created.',
  roles: ['ai_client', 'client', 'professional'],
  operation: 'POST /api/v1/tasks/{id}/messages',
  input: SendMessageBody.safeExtend({ task_id: taskId }),
  output: MessageSchema,
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  async run(ctx, { task_id, text, attachments, professional_id }) {
    const message = toMessageDto(
      await sendMessage(ctx.db, ctx, ctx.caller, task_id, { text, attachments: attachments ?? [], professionalId: professional_id ?? null }),
    );
    return { result: message, summary: `Sent message ${message.id} on task ${message.task_id} (thread ${message.professional_id}).` };
  },
});

export const listMessagesTool = defineTool({
  name: 'list_messages',
  title: "Read a task's messages",
  description:
    "A task's messages, oldest first: the owner reads every thread (or one, with professional_id), a professional their own. " +
    'Page with limit (1..100, default 20) and offset, or with starting_after (the id of the last message read), which neither repeats nor skips messages written meanwhile.',
  roles: [],
  operation: 'GET /api/v1/tasks/{id}/messages',
  input: MessageListQuery.safeExtend({ task_id: taskId }),
  output: MessagePageSchema,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(ctx, { task_id, professional_id, ...query }) {
    assertOneStart(query);
    const { limit, offset, starting_after } = query;
    const { views, total, hasMore } = await listMessages(ctx.db, ctx.caller, task_id, { professionalId: professional_id }, { limit, offset, startingAfter: starting_after });
    const messages = views.map(toMessageDto);
    return {
      result: pageKnowingMore(messages, total, limit, offset, hasMore),
      summary: [`${messages.length} of ${total} messages${hasMore ? '; more follow (starting_after the last id)' : ''}.`, ...messages.map(line)].join('\n'),
    };
  },
});
