/**
 * Messages about a task, between its owner and professionals. Every message is in one professional's thread with the
 * owner (task_messages.thread_professional_id):
 *
 * - Before acceptance, a verified professional who can see the listed task asks in their own thread, private to them
 *   and the owner. The owner answers in a thread by naming its professional (professional_id), which may be left out
 *   while exactly one thread exists.
 * - After acceptance, the assignee's thread is the task's conversation: the owner's messages go there. Other threads
 *   stay readable by the owner and become read-only; their professionals no longer see the task at all (access.ts).
 * - Messages are accepted while the task is open, in_progress, submitted or disputed; completed and canceled tasks
 *   keep their messages readable but take no more (409).
 *
 * Who sees what is read off the caller's relation to the task (access.ts): the owner and admins every thread, a
 * professional their own thread only. Admins read (they arbitrate disputes) but never write.
 */
import type { Caller } from '../../context';
import type { Db, Tx } from '../../db/client';
import {
  countThreadMessages,
  insertTaskMessage,
  listTaskMessages,
  listThreadProfessionals,
  lockTaskForMessage,
  type TaskMessageView,
} from '../../db/queries/task-messages';
import type { TaskRow, TaskStatus } from '../../db/queries/tasks';
import { ApiError, notFound } from '../../lib/errors';
import { newId } from '../../lib/ids';
import { unknownCursor } from '../../lib/pagination';
import { resolveAttachments, type AttachmentInput } from '../files/attachments';
import { AfterCommitWork, type PaymentsContext } from '../payments/after-commit';
import { announceMessage } from '../webhooks/outbox';
import { loadTaskFor, relationTo, requireRelation, type TaskRelation } from './access';
import type { TaskPageArgs } from './catalog';

/** The statuses in which a task takes messages: while there is still something to talk about. */
export const MESSAGE_STATUSES: readonly TaskStatus[] = ['open', 'in_progress', 'submitted', 'disputed'];

/** One thread's length at most: generous for a conversation, and a bound on what one account can pile onto a task. */
export const MAX_MESSAGES_PER_THREAD = 500;

/** The thread a relation reads: null for every thread of the task (the owner, admins), else the caller's own. */
export function readableThread(caller: Caller, relation: TaskRelation): string | null {
  return relation === 'owner' || relation === 'admin' ? null : caller.id;
}

export interface NewMessageInput {
  text: string;
  attachments: AttachmentInput[];
  /** The thread the owner writes in; a professional always writes in their own. */
  professionalId: string | null;
}

const threadField = (message: string) =>
  new ApiError('VALIDATION_ERROR', `professional_id: ${message}`, { details: [{ path: 'professional_id', message }] });

function closed(status: TaskStatus): ApiError {
  return new ApiError('INVALID_STATE', `The task is ${status}; messages need it to be ${MESSAGE_STATUSES.join(', ')}.`, {
    details: [{ path: 'status', message: `current status: ${status}` }],
  });
}

/** The thread a new message goes to, or why it cannot be written. */
async function threadFor(tx: Tx, caller: Caller, relation: TaskRelation, task: TaskRow, named: string | null): Promise<string> {
  if (relation !== 'owner') {
    if (named !== null && named !== caller.id) throw threadField('A professional writes in their own thread; leave professional_id out.');
    return caller.id;
  }
  const threads = await listThreadProfessionals(tx, task.id);
  if (task.professionalId !== null) {
    if (named === null || named === task.professionalId) return task.professionalId;
    if (threads.includes(named)) {
      throw new ApiError('INVALID_STATE', 'This thread is read-only: another professional accepted the task. Write to the assigned professional (leave professional_id out).', {
        details: [{ path: 'professional_id', message: 'Not the assigned professional.' }],
      });
    }
    throw threadField('No thread with this professional on this task.');
  }
  if (named !== null) {
    if (!threads.includes(named)) throw threadField('No thread with this professional on this task.');
    return named;
  }
  if (threads.length === 1) return threads[0]!;
  if (threads.length === 0) {
    throw new ApiError('INVALID_STATE', 'Nobody to write to yet: the task is unassigned and no professional has asked about it.', {
      details: [{ path: 'status', message: `current status: ${task.status}` }],
    });
  }
  throw threadField(`Required: ${threads.length} professionals have asked about this task; name the one you answer.`);
}

/**
 * Writes a message and its task.message_created event in one transaction, the task row held FOR SHARE meanwhile so
 * the rules are checked against a status no transition can change before the message commits.
 */
export async function sendMessage(
  db: Db,
  ctx: Pick<PaymentsContext, 'env' | 'defer' | 'origin'>,
  caller: Caller,
  taskId: string,
  input: NewMessageInput,
): Promise<TaskMessageView> {
  const afterCommit = new AfterCommitWork();
  const view = await db.transaction(async (tx) => {
    const task = await lockTaskForMessage(tx, taskId);
    const relation = task ? await relationTo(tx, caller, task) : null;
    if (!task || !relation) throw notFound('Task');
    requireRelation(relation, ['owner', 'assignee', 'market'], 'send messages about');
    if (!MESSAGE_STATUSES.includes(task.status)) throw closed(task.status);
    const thread = await threadFor(tx, caller, relation, task, input.professionalId);
    if ((await countThreadMessages(tx, taskId, thread)) >= MAX_MESSAGES_PER_THREAD) {
      throw new ApiError('CONFLICT', `This thread has reached its limit of ${MAX_MESSAGES_PER_THREAD} messages.`);
    }
    const attachments = await resolveAttachments(tx, caller.id, taskId, ctx.origin, input.attachments);
    const message = await insertTaskMessage(tx, {
      id: newId('msg'),
      taskId,
      threadProfessionalId: thread,
      authorId: caller.id,
      text: input.text,
      attachments,
    });
    await announceMessage(tx, task, message, afterCommit);
    if (!task.livemode) afterCommit.sandboxTask(task.id);
    return message;
  });
  afterCommit.schedule(ctx);
  return view;
}

/**
 * The messages the caller may read, oldest first. `professionalId` narrows the owner's (or an admin's) view to one
 * thread; a professional may name only their own.
 */
export async function listMessages(db: Db, caller: Caller, taskId: string, filter: { professionalId?: string }, page: TaskPageArgs) {
  const { relation } = await loadTaskFor(db, caller, taskId);
  const own = readableThread(caller, relation);
  if (own !== null && filter.professionalId !== undefined && filter.professionalId !== own) {
    throw threadField('A professional reads only their own thread; leave professional_id out.');
  }
  const thread = own ?? filter.professionalId ?? null;
  const { views, total, hasMore, cursorKnown } = await listTaskMessages(db, { taskId, thread, ...page });
  if (!cursorKnown) throw unknownCursor(page.startingAfter!);
  return { views, total, hasMore };
}
