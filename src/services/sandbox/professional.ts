/**
 * The sandbox professional at work: what it does next with a test task, by the outcome the agent chose in
 * metadata.sandbox_outcome (outcomes.ts; docs/sandbox.md). Every step is a call to the same service a real
 * professional's request reaches (accept, messages, submit, dispute), as SANDBOX_PROFESSIONAL, so the rules, the
 * history, the webhook events, the callbacks and the waits' wake-ups are those of live mode.
 *
 * One step per call: a step is a move, and a move leaves after-commit work that wakes this again (services/sandbox/
 * wake.ts), which takes the next step. Each call reads the task afresh and does nothing unless a step is due, so a
 * wake-up that repeats another, or the cron's pass over the same task, is harmless: of two racing steps, the second
 * loses at the move's guarded update (a 409 here, ignored).
 *
 *   complete       accept, then submit
 *   clarify        accept, ask the owner a question (a task message), submit once the owner has answered
 *   miss_deadline  accept, never submit (the task stays in_progress past its deadline, as with a professional who vanished)
 *   no_show        never accept (the task stays open and expires at its deadline, its escrow refunded)
 *   dispute        accept, submit, then open a dispute
 */
import type { Db } from '../../db/client';
import { openDb } from '../../db/client';
import { findSandboxTaskIds, listThreadMessages } from '../../db/queries/sandbox';
import { findTask, type TaskRow } from '../../db/queries/tasks';
import type { AppEnv } from '../../env';
import { ApiError } from '../../lib/errors';
import type { PaymentsContext } from '../payments/after-commit';
import { isListed } from '../tasks/access';
import { acceptTask, disputeTask, submitTask, type SubmissionInput } from '../tasks/actions';
import { sendMessage } from '../tasks/messages';
import { SANDBOX_PROFESSIONAL, SANDBOX_PROFESSIONAL_ID } from './account';
import { sandboxOutcome, type SandboxOutcome } from './outcomes';

export const SANDBOX_QUESTION = 'Sandbox question: before I start, can you confirm the details? Any answer will do.';
export const SANDBOX_DISPUTE_REASON = 'Sandbox dispute: the professional disputes this task (metadata.sandbox_outcome is dispute).';

/** The thread with the owner: whether the sandbox has asked, and the owner's first answer after the question. */
async function conversation(db: Db, task: TaskRow): Promise<{ asked: boolean; answer: string | null }> {
  const messages = await listThreadMessages(db, task.id, SANDBOX_PROFESSIONAL_ID);
  const question = messages.findIndex((m) => m.authorId === SANDBOX_PROFESSIONAL_ID);
  if (question < 0) return { asked: false, answer: null };
  const answer = messages.slice(question + 1).find((m) => m.authorId === task.clientId);
  return { asked: true, answer: answer?.text ?? null };
}

/** A delivery with each part a real one can have: text, a structured `data` object and an attachment. */
function sandboxResult(task: TaskRow, outcome: SandboxOutcome, answer: string | null): SubmissionInput {
  return {
    text: `Sandbox result for "${task.title}": the work was simulated; no person did it.`,
    attachments: [{ name: 'sandbox-result.txt', url: 'https://sandbox.gohirehumans.invalid/result.txt' }],
    data: { sandbox: true, outcome, task_id: task.id, ...(answer === null ? {} : { owner_answer: answer }) },
  };
}

/** The next step for this task, if one is due now. */
async function takeStep(db: Db, ctx: PaymentsContext, task: TaskRow): Promise<void> {
  const outcome = sandboxOutcome(task);
  const me = SANDBOX_PROFESSIONAL;
  if (task.status === 'open') {
    if (outcome !== 'no_show' && isListed(task)) await acceptTask(db, ctx, me, task.id);
    return;
  }
  if (task.professionalId !== me.id) return;
  if (task.status === 'in_progress') {
    if (outcome === 'miss_deadline') return;
    let answer: string | null = null;
    if (outcome === 'clarify') {
      const talk = await conversation(db, task);
      if (!talk.asked) {
        await sendMessage(db, ctx, me, task.id, { text: SANDBOX_QUESTION, attachments: [], professionalId: null });
        return;
      }
      if (talk.answer === null) return;
      answer = talk.answer;
    }
    await submitTask(db, ctx, me, task.id, sandboxResult(task, outcome, answer));
    return;
  }
  if (task.status === 'submitted' && outcome === 'dispute') await disputeTask(db, ctx, me, task.id, SANDBOX_DISPUTE_REASON);
}

/** Errors that mean another step, a person or the platform moved the task first: nothing to do. */
const lostRace = (err: unknown) => err instanceof ApiError && ['INVALID_STATE', 'CONFLICT', 'NOT_FOUND'].includes(err.code);

/**
 * Looks at one task and takes its next step, if any. Live tasks are never touched. The step's own after-commit work
 * (its deliveries, and the wake-up for the step after) is awaited before returning, with the database handle closed.
 */
export async function advanceSandboxTask(env: AppEnv, taskId: string): Promise<void> {
  const deferred: Promise<unknown>[] = [];
  const ctx: PaymentsContext = { env, defer: (work) => deferred.push(work()) };
  const handle = openDb(env);
  try {
    const task = await findTask(handle.db, taskId);
    if (task && !task.livemode) await takeStep(handle.db, ctx, task);
  } catch (err) {
    if (!lostRace(err)) throw err;
  } finally {
    await handle.close().catch(() => undefined);
  }
  await Promise.allSettled(deferred);
}

const CRON_BATCH = 100;

/** The Cron Trigger's pass: any test task a wake-up missed (the Worker stopped before its deferred work ran) moves on. */
export async function advanceSandboxTasks(db: Db, env: AppEnv): Promise<number> {
  const ids = await findSandboxTaskIds(db, SANDBOX_PROFESSIONAL_ID, CRON_BATCH);
  for (const id of ids) {
    await advanceSandboxTask(env, id).catch((err) =>
      console.error(JSON.stringify({ level: 'warn', message: `sandbox step for ${id}: ${err instanceof Error ? err.message : String(err)}` })),
    );
  }
  return ids.length;
}
