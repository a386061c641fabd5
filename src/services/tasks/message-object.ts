/**
 * The message object as the API shows it. It lives here, beside task-object.ts, because task.message_created events
 * carry it and are built inside the message's own transaction; schemas/tasks.ts types it against MessageSchema.
 */
import type { TaskMessageView } from '../../db/queries/task-messages';
import { iso } from '../../lib/time';
import { displayName } from '../professionals';

/** Only these roles ever write a message (admins read, never write). */
export type MessageAuthorRole = 'ai_client' | 'client' | 'professional';

export function messageObject(view: TaskMessageView) {
  const { message, author } = view;
  return {
    id: message.id,
    task_id: message.taskId,
    professional_id: message.threadProfessionalId,
    author: { id: author.id, name: displayName(author.fullName), role: author.role as MessageAuthorRole },
    text: message.text,
    attachments: message.attachments,
    created_at: iso(message.createdAt),
  };
}
