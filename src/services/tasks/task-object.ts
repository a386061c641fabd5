/**
 * The task object as the API shows it (GET /api/v1/tasks/{id}). It lives here, not in the route's schemas, because
 * webhook events carry the same object and are built inside the transaction of the change they announce.
 * schemas/tasks.ts types it against TaskSchema, so the two cannot drift apart.
 */
import type { TaskView } from '../../db/queries/tasks';
import { centsToUsd } from '../../lib/money';
import { iso, isoOrNull } from '../../lib/time';
import { averageRating, displayName } from '../professionals';

export function taskObject(view: TaskView) {
  const { task, professional, deliverables } = view;
  return {
    id: task.id,
    title: task.title,
    description: task.description,
    category: task.category,
    location_type: task.locationType,
    location: task.location,
    budget_amount: centsToUsd(task.budgetCents),
    budget_type: task.budgetType,
    currency: 'usd' as const,
    deadline: isoOrNull(task.deadline),
    required_evidence: task.requiredEvidence,
    status: task.status,
    // The escrow amount is the ledger's (the task's escrow account); the status, a column kept in step with it.
    funding: { status: task.fundingStatus, escrow_amount: centsToUsd(view.escrowCents) },
    client_id: task.clientId,
    professional: professional
      ? { id: professional.id, name: displayName(professional.fullName), rating: averageRating(professional.ratingSum, professional.ratingCount) }
      : null,
    result: deliverables.at(-1)?.text ?? null,
    deliverables: deliverables.map((d) => ({ id: d.id, text: d.text, attachments: d.attachments, data: d.data, submitted_at: iso(d.submittedAt) })),
    submitted_at: isoOrNull(task.submittedAt),
    completed_at: isoOrNull(task.completedAt),
    canceled_at: isoOrNull(task.canceledAt),
    created_at: iso(task.createdAt),
    updated_at: iso(task.updatedAt),
    metadata: task.metadata,
    livemode: task.livemode,
  };
}
