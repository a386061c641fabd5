import type { FC } from 'hono/jsx';
import { ErrorSummary, FormKey, FormToken, RadioGroup, Select, TextArea, TextField } from '../components/fields';
import { Layout } from '../components/layout';
import { CATEGORY_OPTIONS } from '../components/task-bits';
import { NO_ERRORS, type FormErrors } from '../forms';
import type { WebSession } from '../session';

export const NEW_TASK_FIELDS = ['title', 'description', 'category', 'location_type', 'location', 'budget_amount', 'budget_type', 'deadline'] as const;
const LABELS: Record<string, string> = {
  title: 'Title',
  description: 'What needs doing',
  category: 'Category',
  location_type: 'Where',
  location: 'Address or city',
  budget_amount: 'Budget (USD)',
  budget_type: 'Budget type',
  deadline: 'Deadline (UTC, optional)',
};

export const NewTaskPage: FC<{ session: WebSession; values?: Record<string, string>; errors?: FormErrors }> = ({ session, values = {}, errors = NO_ERRORS }) => (
  <Layout session={session}>
    <h1>Post a task</h1>
    <section class="card">
      <form method="post" action="/app/tasks" novalidate>
        <FormToken session={session} />
        <FormKey />
        <ErrorSummary scope="task" errors={errors} labels={LABELS} />
        <TextField scope="task" name="title" label={LABELS.title!} value={values.title} errors={errors} required />
        <TextArea
          scope="task"
          name="description"
          label={LABELS.description!}
          hint="Everything the professional needs to know: who, what, when, any limits."
          value={values.description}
          errors={errors}
          rows={6}
          required
        />
        <Select
          scope="task"
          name="category"
          label={LABELS.category!}
          value={values.category}
          errors={errors}
          required
          options={[{ value: '', label: 'Choose a category' }, ...CATEGORY_OPTIONS]}
        />
        <RadioGroup
          scope="task"
          name="location_type"
          label={LABELS.location_type!}
          value={values.location_type ?? 'remote'}
          errors={errors}
          options={[
            { value: 'remote', label: 'Remote' },
            { value: 'local', label: 'In person' },
          ]}
        />
        <TextField scope="task" name="location" label={LABELS.location!} hint="Only for in-person tasks." value={values.location} errors={errors} />
        <TextField
          scope="task"
          name="budget_amount"
          label={LABELS.budget_amount!}
          inputmode="decimal"
          hint="For example 25 or 49.99."
          value={values.budget_amount}
          errors={errors}
          required
        />
        <RadioGroup
          scope="task"
          name="budget_type"
          label={LABELS.budget_type!}
          value={values.budget_type ?? 'fixed'}
          errors={errors}
          options={[
            { value: 'fixed', label: 'Fixed price' },
            { value: 'hourly', label: 'Per hour' },
          ]}
        />
        <TextField scope="task" name="deadline" label={LABELS.deadline!} type="datetime-local" value={values.deadline} errors={errors} />
        <button type="submit">Post task</button>
      </form>
    </section>
  </Layout>
);
