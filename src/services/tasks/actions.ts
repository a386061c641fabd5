/**
 * The lifecycle verbs callers use. Each one checks, in this order: can the caller see the task (else 404),
 * may they do this to it (else 403), does the state machine allow it (else 409); then applies the move.
 */
import { eq, sql } from 'drizzle-orm';
import type { Caller } from '../../context';
import type { Db } from '../../db/client';
import { insertReview, insertSubmission } from '../../db/queries/task-history';
import { acceptableGuard, findTask, findTaskView, type TaskView } from '../../db/queries/tasks';
import { tasks, type Attachment } from '../../db/schema';
import { ApiError, notFound } from '../../lib/errors';
import { newId } from '../../lib/ids';
import { resolveAttachments, type AttachmentInput } from '../files/attachments';
import { requireEvidence } from '../files/evidence';
import type { PaymentsContext } from '../payments/after-commit';
import { SANDBOX_PROFESSIONAL_ID } from '../sandbox/account';
import { inCallersMode, isListed, loadTaskFor, requireRelation, requireVerifiedProfessional, wasListed } from './access';
import { applyTransition } from './lifecycle';
import { invalidState } from './state-machine';

async function viewOf(db: Db, taskId: string): Promise<TaskView> {
  const view = await findTaskView(db, taskId);
  if (!view) throw notFound('Task');
  return view;
}

/** First verified professional wins; the guard re-checks "unassigned and funded" at the moment of writing. */
export async function acceptTask(db: Db, payments: PaymentsContext, caller: Caller, taskId: string): Promise<TaskView> {
  await requireVerifiedProfessional(db, caller);
  const task = await findTask(db, taskId);
  if (!task || !inCallersMode(caller, task)) throw notFound('Task');
  // Test tasks are the sandbox's: another professional's test key sees them listed but cannot take one.
  if (!task.livemode && caller.id !== SANDBOX_PROFESSIONAL_ID) {
    throw new ApiError('FORBIDDEN', 'Test tasks are worked by the sandbox professional only.');
  }
  if (!isListed(task)) {
    // Taken (possibly by this caller) or withdrawn after being public: say it is gone. Never-listed tasks stay hidden.
    if (wasListed(task)) throw invalidState('accept', task.status);
    throw notFound('Task');
  }
  await applyTransition(db, {
    task,
    action: 'accept',
    actorId: caller.id,
    payments,
    set: { professionalId: caller.id, acceptedAt: sql`now()` },
    guard: acceptableGuard(),
  });
  return viewOf(db, taskId);
}

export interface SubmissionInput {
  text: string;
  attachments: AttachmentInput[];
  data: Record<string, unknown> | null;
}

export async function submitTask(db: Db, payments: PaymentsContext, caller: Caller, taskId: string, input: SubmissionInput): Promise<TaskView> {
  const { task, relation } = await loadTaskFor(db, caller, taskId);
  requireRelation(relation, ['assignee'], 'submit work for');
  await applyTransition(db, {
    task,
    action: 'submit',
    actorId: caller.id,
    payments,
    set: { submittedAt: sql`now()` },
    guard: eq(tasks.professionalId, caller.id),
    effects: [
      // After the guarded status change, so a task that cannot be submitted says so before its evidence is counted.
      async (tx, { after }) => {
        const attachments = await resolveAttachments(tx, caller.id, taskId, payments.origin, input.attachments);
        requireEvidence(after.requiredEvidence, attachments);
        await insertSubmission(tx, { id: newId('sub'), taskId, professionalId: caller.id, text: input.text, attachments, data: input.data });
      },
    ],
  });
  return viewOf(db, taskId);
}

export async function approveTask(
  db: Db,
  payments: PaymentsContext,
  caller: Caller,
  taskId: string,
  review: { rating?: number; review?: string },
): Promise<TaskView> {
  const { task, relation } = await loadTaskFor(db, caller, taskId);
  requireRelation(relation, ['owner'], 'approve');
  const rating = review.rating;
  await applyTransition(db, {
    task,
    action: 'approve',
    actorId: caller.id,
    payments,
    effects:
      rating === undefined
        ? []
        : [
            (tx, { after }) =>
              insertReview(tx, {
                taskId,
                professionalId: after.professionalId!,
                clientId: caller.id,
                rating,
                review: review.review ?? null,
              }),
          ],
  });
  return viewOf(db, taskId);
}

export async function requestRevision(db: Db, payments: PaymentsContext, caller: Caller, taskId: string, reason: string): Promise<TaskView> {
  const { task, relation } = await loadTaskFor(db, caller, taskId);
  requireRelation(relation, ['owner'], 'request a revision of');
  await applyTransition(db, { task, action: 'request_revision', actorId: caller.id, note: reason, payments });
  return viewOf(db, taskId);
}

export async function cancelTask(db: Db, payments: PaymentsContext, caller: Caller, taskId: string): Promise<TaskView> {
  const { task, relation } = await loadTaskFor(db, caller, taskId);
  requireRelation(relation, ['owner'], 'cancel');
  await applyTransition(db, { task, action: 'cancel', actorId: caller.id, payments });
  return viewOf(db, taskId);
}

export async function disputeTask(db: Db, payments: PaymentsContext, caller: Caller, taskId: string, reason: string): Promise<TaskView> {
  const { task, relation } = await loadTaskFor(db, caller, taskId);
  requireRelation(relation, ['owner', 'assignee'], 'dispute');
  await applyTransition(db, { task, action: 'dispute', actorId: caller.id, note: reason, payments });
  return viewOf(db, taskId);
}

/** Admin only (the route says so): settles a dispute for the professional (release) or the client (refund). */
export async function resolveDispute(
  db: Db,
  payments: PaymentsContext,
  caller: Caller,
  taskId: string,
  outcome: 'release' | 'refund',
  note: string | null,
): Promise<TaskView> {
  const task = await findTask(db, taskId);
  if (!task || !inCallersMode(caller, task)) throw notFound('Task');
  await applyTransition(db, {
    task,
    action: outcome === 'release' ? 'resolve_release' : 'resolve_refund',
    actorId: caller.id,
    note: note ? `${outcome}: ${note}` : outcome,
    payments,
  });
  return viewOf(db, taskId);
}
