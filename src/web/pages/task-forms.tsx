/** The forms of the task page, one per thing a person can do to the task. Each posts to /app/tasks/{id}/<verb>. */
import type { Child, FC } from 'hono/jsx';
import type { TaskView } from '../../db/queries/tasks';
import { formatUsd } from '../../lib/money';
import { ErrorSummary, FormKey, FormToken, Select, TextArea, TextField } from '../components/fields';
import { NO_ERRORS, type FormErrors } from '../forms';
import type { WebSession } from '../session';

/** A form that failed: which one, what it said, and what was typed, so the page shows it again as it was. */
export interface FailedForm {
  form: string;
  errors: FormErrors;
  values: Record<string, string>;
}

export const ATTACHMENT_ROWS = 3;

export const FORM_FIELDS = {
  pay: ['amount'],
  message: ['text'],
  submit: ['text', ...Array.from({ length: ATTACHMENT_ROWS }, (_, i) => [`attachments.${i}.name`, `attachments.${i}.url`]).flat()],
  approve: ['rating', 'review'],
  revision: ['reason'],
  dispute: ['reason'],
  accept: [],
  cancel: [],
  upload: ['file'],
} as const satisfies Record<string, readonly string[]>;

export type TaskForm = keyof typeof FORM_FIELDS;

const LABELS: Record<string, string> = {
  amount: 'Amount (USD)',
  text: 'Message',
  rating: 'Rating',
  review: 'Review',
  reason: 'Reason',
};

/** The failed form's errors and values if `scope` is the one that failed, else none. */
function stateOf(failed: FailedForm | undefined, scope: string) {
  return failed?.form === scope ? { errors: failed.errors, values: failed.values } : { errors: NO_ERRORS, values: {} as Record<string, string> };
}

interface ActionFormProps {
  session: WebSession;
  view: TaskView;
  verb: string;
  scope: string;
  failed?: FailedForm;
  labels?: Record<string, string>;
  children?: Child;
}

const ActionForm: FC<ActionFormProps> = ({ session, view, verb, scope, failed, labels, children }) => (
  <form method="post" action={`/app/tasks/${view.task.id}/${verb}`} novalidate>
    <FormToken session={session} />
    <ErrorSummary scope={scope} errors={stateOf(failed, scope).errors} labels={labels ?? LABELS} />
    {children}
  </form>
);

export const PayForm: FC<{ session: WebSession; view: TaskView; failed?: FailedForm }> = ({ session, view, failed }) => {
  const { errors, values } = stateOf(failed, 'pay');
  const budget = (view.task.budgetCents / 100).toFixed(2);
  return (
    <section class="card" aria-labelledby="pay-heading">
      <h2 id="pay-heading">Pay into escrow</h2>
      <p>
        The professional is paid only when you approve the work. Until someone accepts it, the task is listed only once it is
        paid.
      </p>
      {view.task.fundingStatus === 'pending' && <p class="muted">A payment was started and not finished. You can pay again.</p>}
      <ActionForm session={session} view={view} verb="pay" scope="pay" failed={failed}>
        <FormKey />
        <TextField
          scope="pay"
          name="amount"
          label={LABELS.amount!}
          inputmode="decimal"
          hint={view.task.budgetType === 'fixed' ? `At least the budget, ${formatUsd(view.task.budgetCents)}.` : 'What you expect to pay in total.'}
          value={values.amount ?? budget}
          errors={errors}
        />
        <button type="submit">Pay</button>
      </ActionForm>
    </section>
  );
};

export const SimpleActionForm: FC<{ session: WebSession; view: TaskView; verb: string; scope: TaskForm; label: string; failed?: FailedForm; danger?: boolean }> = (
  props,
) => (
  <ActionForm session={props.session} view={props.view} verb={props.verb} scope={props.scope} failed={props.failed}>
    <button type="submit" class={props.danger ? 'danger' : undefined}>
      {props.label}
    </button>
  </ActionForm>
);

export const ReasonForm: FC<{ session: WebSession; view: TaskView; verb: string; scope: 'revision' | 'dispute'; button: string; hint: string; failed?: FailedForm }> = (
  props,
) => {
  const { errors, values } = stateOf(props.failed, props.scope);
  return (
    <ActionForm session={props.session} view={props.view} verb={props.verb} scope={props.scope} failed={props.failed}>
      <TextArea scope={props.scope} name="reason" label={LABELS.reason!} hint={props.hint} value={values.reason} errors={errors} required />
      <button type="submit" class={props.scope === 'dispute' ? 'danger' : 'secondary'}>
        {props.button}
      </button>
    </ActionForm>
  );
};

export const ApproveForm: FC<{ session: WebSession; view: TaskView; failed?: FailedForm }> = ({ session, view, failed }) => {
  const { errors, values } = stateOf(failed, 'approve');
  return (
    <ActionForm session={session} view={view} verb="approve" scope="approve" failed={failed}>
      <Select
        scope="approve"
        name="rating"
        label={LABELS.rating!}
        hint="Optional; needed for a review."
        value={values.rating ?? '5'}
        errors={errors}
        options={[
          { value: '', label: 'No rating' },
          ...[5, 4, 3, 2, 1].map((n) => ({ value: String(n), label: `${n} of 5` })),
        ]}
      />
      <TextArea scope="approve" name="review" label={LABELS.review!} hint="Optional." value={values.review} errors={errors} rows={3} />
      <button type="submit">Approve and pay {formatUsd(view.escrowCents)}</button>
    </ActionForm>
  );
};

/** A file uploaded to the task, as the task page lists it. */
export interface FileItem {
  id: string;
  name: string;
  kind: string;
  uploadedBy: string;
}

/**
 * Evidence for the submission: one file at a time to POST /app/tasks/{id}/files (the same service as
 * POST /api/v1/tasks/{id}/files, with its size and type rules); the submit form then attaches the files by id.
 */
export const UploadForm: FC<{ session: WebSession; view: TaskView; failed?: FailedForm }> = ({ session, view, failed }) => {
  const { errors } = stateOf(failed, 'upload');
  return (
    <form method="post" action={`/app/tasks/${view.task.id}/files`} enctype="multipart/form-data" novalidate>
      <FormToken session={session} />
      <ErrorSummary scope="upload" errors={errors} labels={{ file: 'File' }} />
      <TextField scope="upload" name="file" type="file" label="Add a file" hint="Photos (PNG, JPEG, WebP, HEIC), PDF, audio or text, up to 10 MiB." errors={errors} />
      <button type="submit" class="secondary">
        Upload
      </button>
    </form>
  );
};

export const SubmitForm: FC<{ session: WebSession; view: TaskView; files: FileItem[]; failed?: FailedForm }> = ({ session, view, files, failed }) => {
  const { errors, values } = stateOf(failed, 'submit');
  const labels: Record<string, string> = { text: 'Result' };
  for (let i = 0; i < ATTACHMENT_ROWS; i++) {
    labels[`attachments.${i}.name`] = `Attachment ${i + 1} name`;
    labels[`attachments.${i}.url`] = `Attachment ${i + 1} link`;
  }
  return (
    <section class="card" aria-labelledby="submit-heading">
      <h2 id="submit-heading">Submit your result</h2>
      <UploadForm session={session} view={view} failed={failed} />
      <ActionForm session={session} view={view} verb="submit" scope="submit" failed={failed} labels={labels}>
        <TextArea scope="submit" name="text" label={labels.text!} hint="What you did and what came of it." value={values.text} errors={errors} rows={6} required />
        {files.length > 0 && (
          <fieldset>
            <legend>Your uploaded files</legend>
            <p class="hint">Ticked files are attached to this result.</p>
            {files.map((file) => (
              <label class="check">
                <input type="checkbox" name={`files.${file.id}`} value="on" checked /> {file.name} ({file.kind})
              </label>
            ))}
          </fieldset>
        )}
        <fieldset>
          <legend>Attachments (optional)</legend>
          <p class="hint">Links to files you share, each with a name. Links must start with https://.</p>
          {Array.from({ length: ATTACHMENT_ROWS }, (_, i) => (
            <div class="attachment">
              <TextField scope="submit" name={`attachments.${i}.name`} label={labels[`attachments.${i}.name`]!} value={values[`attachments.${i}.name`]} errors={errors} />
              <TextField
                scope="submit"
                name={`attachments.${i}.url`}
                label={labels[`attachments.${i}.url`]!}
                type="url"
                value={values[`attachments.${i}.url`]}
                errors={errors}
              />
            </div>
          ))}
        </fieldset>
        <button type="submit">Submit result</button>
      </ActionForm>
    </section>
  );
};

export const MessageForm: FC<{ session: WebSession; view: TaskView; scope: string; label: string; button: string; professionalId?: string; failed?: FailedForm }> = (
  props,
) => {
  const { errors, values } = stateOf(props.failed, props.scope);
  return (
    <ActionForm session={props.session} view={props.view} verb="messages" scope={props.scope} failed={props.failed}>
      <FormKey />
      {props.professionalId && <input type="hidden" name="professional_id" value={props.professionalId} />}
      <TextArea scope={props.scope} name="text" label={props.label} value={values.text} errors={errors} rows={3} required />
      <button type="submit">{props.button}</button>
    </ActionForm>
  );
};
