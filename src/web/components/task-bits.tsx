/** How tasks read on the pages: words for statuses and categories, the task list, a task's facts. */
import type { FC } from 'hono/jsx';
import type { TaskCategory, TaskStatus, TaskView } from '../../db/queries/tasks';
import type { FUNDING_STATUSES } from '../../db/schema';
import { formatUsd } from '../../lib/money';
import { CATEGORIES } from '../../services/tasks/categories';
import { displayName } from '../../services/professionals';

export const STATUS_WORDS: Record<TaskStatus, string> = {
  open: 'Open',
  in_progress: 'In progress',
  submitted: 'Submitted for review',
  completed: 'Completed',
  canceled: 'Canceled',
  disputed: 'In dispute',
};

export const FUNDING_WORDS: Record<(typeof FUNDING_STATUSES)[number], string> = {
  unfunded: 'Not paid yet',
  pending: 'Payment started, not completed',
  funded: 'Paid into escrow',
  released: 'Paid to the professional',
  refunded: 'Refunded',
};

export const categoryWords = (category: TaskCategory) => CATEGORIES.find((c) => c.category === category)?.description ?? category;

export const CATEGORY_OPTIONS = CATEGORIES.map((c) => ({ value: c.category, label: c.description }));

const badgeClass = (status: TaskStatus) => (status === 'completed' ? 'badge ok' : status === 'submitted' || status === 'disputed' ? 'badge wait' : 'badge');

export const StatusBadge: FC<{ status: TaskStatus }> = ({ status }) => <span class={badgeClass(status)}>{STATUS_WORDS[status]}</span>;

export const budgetWords = (view: TaskView) =>
  `${formatUsd(view.task.budgetCents)}${view.task.budgetType === 'hourly' ? ' per hour' : ' fixed price'}`;

export const whereWords = (view: TaskView) => (view.task.locationType === 'remote' ? 'Remote' : `In person: ${view.task.location ?? ''}`);

export const TaskList: FC<{ views: TaskView[]; empty: string; showFunding?: boolean }> = ({ views, empty, showFunding }) =>
  views.length === 0 ? (
    <p class="muted">{empty}</p>
  ) : (
    <ul class="tasks">
      {views.map((view) => (
        <li>
          <a href={`/app/tasks/${view.task.id}`}>{view.task.title}</a> <StatusBadge status={view.task.status} />
          <br />
          <span class="muted">
            {budgetWords(view)} · {categoryWords(view.task.category)} · {whereWords(view)}
            {showFunding && ` · ${FUNDING_WORDS[view.task.fundingStatus]}`}
          </span>
        </li>
      ))}
    </ul>
  );

export const TaskFacts: FC<{ view: TaskView }> = ({ view }) => (
  <dl class="facts">
    <dt>Status</dt>
    <dd>
      <StatusBadge status={view.task.status} />
    </dd>
    <dt>Budget</dt>
    <dd>{budgetWords(view)}</dd>
    <dt>Payment</dt>
    <dd>
      {FUNDING_WORDS[view.task.fundingStatus]}
      {view.escrowCents > 0 && ` (${formatUsd(view.escrowCents)} held)`}
    </dd>
    <dt>Category</dt>
    <dd>{categoryWords(view.task.category)}</dd>
    <dt>Where</dt>
    <dd>{whereWords(view)}</dd>
    {view.task.deadline && (
      <>
        <dt>Deadline</dt>
        <dd>{view.task.deadline.toISOString().slice(0, 16).replace('T', ' ')} UTC</dd>
      </>
    )}
    {view.professional && (
      <>
        <dt>Professional</dt>
        <dd>{displayName(view.professional.fullName)}</dd>
      </>
    )}
  </dl>
);
