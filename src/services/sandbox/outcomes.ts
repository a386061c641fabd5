/**
 * What the sandbox professional does with a test task, chosen by the agent in `metadata.sandbox_outcome`
 * (docs/sandbox.md). Read by the task service (to refuse an unknown value at creation) and by the professional.
 */
import type { TaskRow } from '../../db/queries/tasks';
import { ApiError } from '../../lib/errors';

export const SANDBOX_OUTCOMES = ['complete', 'clarify', 'miss_deadline', 'no_show', 'dispute'] as const;
export type SandboxOutcome = (typeof SANDBOX_OUTCOMES)[number];

export const SANDBOX_OUTCOME_KEY = 'sandbox_outcome';

/** What each outcome makes the sandbox professional do, as /llms.txt tells agents (professional.ts does it). */
export const SANDBOX_OUTCOME_BEHAVIOR: Record<SandboxOutcome, string> = {
  complete: 'the default: accepts, then submits a result (text, a data object, an attachment); approve it, or request a revision and it submits again',
  clarify:
    'accepts, asks a question as a task message (a wait answers with X-Wait-Reason: message), and submits once you answer with a message (data.owner_answer echoes your answer)',
  miss_deadline:
    'accepts and never submits; past the deadline the task stays in_progress, as a real one would (nothing expires an accepted task): dispute it or keep waiting',
  no_show: 'never accepts; the task stays open and expires at its deadline (canceled, event expired, test escrow refunded): give it a deadline a few seconds ahead',
  dispute: 'accepts, submits, then opens a dispute (status disputed, escrow held; sandbox disputes are never resolved)',
};

const isOutcome = (value: string): value is SandboxOutcome => (SANDBOX_OUTCOMES as readonly string[]).includes(value);

/** A test task's outcome; 400 for a value the sandbox does not know, so a typo never silently becomes `complete`. */
export function checkSandboxOutcome(metadata: Record<string, string>): void {
  const value = metadata[SANDBOX_OUTCOME_KEY];
  if (value === undefined || isOutcome(value)) return;
  const path = `metadata.${SANDBOX_OUTCOME_KEY}`;
  const message = `Must be one of ${SANDBOX_OUTCOMES.join(', ')}.`;
  throw new ApiError('VALIDATION_ERROR', `${path}: ${message}`, { details: [{ path, message }] });
}

export function sandboxOutcome(task: Pick<TaskRow, 'metadata'>): SandboxOutcome {
  const value = task.metadata[SANDBOX_OUTCOME_KEY];
  return value !== undefined && isOutcome(value) ? value : 'complete';
}
