/**
 * The task lifecycle as data: every move a task can make, from which statuses, to which status, what history
 * event it writes and what it means for the escrow. Nothing moves a task except through this table
 * (services/tasks/lifecycle.ts applies it); any move not listed is 409 INVALID_STATE.
 *
 *   open --accept--> in_progress --submit--> submitted --approve--> completed
 *     |                  ^                      |
 *     |                  +---request_revision---+
 *     +--cancel / expire--> canceled     in_progress|submitted --dispute--> disputed --resolve--> completed|canceled
 */
import type { TaskStatus } from '../../db/queries/tasks';
import { ApiError } from '../../lib/errors';
import type { WebhookEventType } from '../webhooks/event-types';

export type TaskAction =
  | 'accept'
  | 'submit'
  | 'approve'
  | 'request_revision'
  | 'cancel'
  | 'dispute'
  | 'resolve_release'
  | 'resolve_refund'
  | 'expire'
  | 'auto_approve';

export const TASK_EVENT_TYPES = [
  'created',
  'accepted',
  'submitted',
  'approved',
  'revision_requested',
  'canceled',
  'disputed',
  'resolved',
  'expired',
  'auto_approved',
] as const;
export type TaskEventType = (typeof TASK_EVENT_TYPES)[number];

/** What a move does to the escrow. The payments code performs it inside the transition's transaction. */
export type Settlement = 'release' | 'refund' | null;

export interface Transition {
  from: readonly TaskStatus[];
  to: TaskStatus;
  event: TaskEventType;
  settles: Settlement;
  /** The webhook event the move sends to the client (services/webhooks/outbox.ts). */
  announces: WebhookEventType;
  /** How the contract names the move in errors ("approve needs submitted"). */
  verb: string;
}

export const TRANSITIONS: Record<TaskAction, Transition> = {
  accept: { from: ['open'], to: 'in_progress', event: 'accepted', settles: null, announces: 'task.accepted', verb: 'accept' },
  submit: { from: ['in_progress'], to: 'submitted', event: 'submitted', settles: null, announces: 'task.submitted', verb: 'submit' },
  approve: { from: ['submitted'], to: 'completed', event: 'approved', settles: 'release', announces: 'task.completed', verb: 'approve' },
  request_revision: {
    from: ['submitted'],
    to: 'in_progress',
    event: 'revision_requested',
    settles: null,
    announces: 'task.revision_requested',
    verb: 'request-revision',
  },
  cancel: { from: ['open'], to: 'canceled', event: 'canceled', settles: 'refund', announces: 'task.canceled', verb: 'cancel' },
  dispute: { from: ['in_progress', 'submitted'], to: 'disputed', event: 'disputed', settles: null, announces: 'task.disputed', verb: 'dispute' },
  resolve_release: { from: ['disputed'], to: 'completed', event: 'resolved', settles: 'release', announces: 'task.completed', verb: 'resolve' },
  resolve_refund: { from: ['disputed'], to: 'canceled', event: 'resolved', settles: 'refund', announces: 'task.canceled', verb: 'resolve' },
  // The platform's own moves (scheduled jobs): same targets and money meaning as their client-side twins.
  expire: { from: ['open'], to: 'canceled', event: 'expired', settles: 'refund', announces: 'task.canceled', verb: 'expire' },
  auto_approve: { from: ['submitted'], to: 'completed', event: 'auto_approved', settles: 'release', announces: 'task.completed', verb: 'auto-approve' },
};

export function canMove(action: TaskAction, status: TaskStatus): boolean {
  return TRANSITIONS[action].from.includes(status);
}

/** The 409 for a move the table does not allow from the task's current status. */
export function invalidState(action: TaskAction, current: TaskStatus): ApiError {
  const t = TRANSITIONS[action];
  return new ApiError(
    'INVALID_STATE',
    `The task is ${current}; ${t.verb} needs it to be ${t.from.join(' or ')}.`,
    { details: [{ path: 'status', message: `current status: ${current}` }] },
  );
}
