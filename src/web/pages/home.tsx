/** The start page after sign-in: what this account is, and its tasks. */
import type { FC } from 'hono/jsx';
import type { TaskView } from '../../db/queries/tasks';
import { formatUsd } from '../../lib/money';
import type { AccountSummary } from '../../services/account-summary';
import { FormToken } from '../components/fields';
import { Layout } from '../components/layout';
import { TaskList } from '../components/task-bits';
import type { WebSession } from '../session';

const cents = (usd: number) => Math.round(usd * 100);

const ProfessionalStatus: FC<{ session: WebSession; summary: AccountSummary }> = ({ session, summary }) => {
  const pro = summary.professional!;
  return (
    <section class="card" aria-labelledby="status-heading">
      <h2 id="status-heading">Your status</h2>
      <dl class="facts">
        <dt>Verification</dt>
        <dd>
          {pro.verified ? (
            <span class="badge ok">Verified</span>
          ) : (
            <span class="badge wait">Not verified yet</span>
          )}
        </dd>
        <dt>Payouts</dt>
        <dd>{pro.payouts_enabled ? <span class="badge ok">Set up</span> : <span class="badge wait">Not set up</span>}</dd>
        <dt>Rating</dt>
        <dd>{pro.rating === null ? 'No ratings yet' : `${pro.rating} of 5`}</dd>
        <dt>Completed tasks</dt>
        <dd>{pro.completed_tasks}</dd>
        <dt>Available balance</dt>
        <dd>{formatUsd(cents(summary.availableBalance))}</dd>
      </dl>
      {!pro.verified && (
        <p>You can see and accept tasks once you are verified. Setting up payouts verifies you; the platform can also verify you.</p>
      )}
      {!pro.payouts_enabled && (
        <form method="post" action="/app/payouts/setup">
          <FormToken session={session} />
          <button type="submit">Set up payouts</button>
        </form>
      )}
    </section>
  );
};

export const HomePage: FC<{ session: WebSession; summary: AccountSummary; tasks: TaskView[]; notice?: string }> = ({ session, summary, tasks, notice }) => {
  const role = summary.user.role;
  return (
    <Layout session={session}>
      <h1>Hello, {summary.user.fullName}</h1>
      {notice && <p class="notice">{notice}</p>}
      {role === 'professional' && <ProfessionalStatus session={session} summary={summary} />}
      {role === 'professional' && (
        <section class="card" aria-labelledby="work-heading">
          <h2 id="work-heading">Your work</h2>
          <TaskList views={tasks} empty="No tasks yet. Find one in the marketplace." />
          <p>
            <a href="/app/marketplace">Find tasks in the marketplace</a>
          </p>
        </section>
      )}
      {(role === 'client' || role === 'ai_client') && (
        <section class="card" aria-labelledby="tasks-heading">
          <h2 id="tasks-heading">Your tasks</h2>
          <p>
            <a href="/app/tasks/new">Post a task</a>
          </p>
          <TaskList views={tasks} empty="You have not posted a task yet." showFunding />
        </section>
      )}
      {role === 'admin' && (
        <section class="card">
          <p>Admin work (verifying professionals, resolving disputes) is done through the API: see /docs.</p>
        </section>
      )}
    </Layout>
  );
};
