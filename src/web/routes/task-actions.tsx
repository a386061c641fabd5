/**
 * The task page's forms. Each one is read with the API route's own schema and handed to the service the route calls;
 * a refusal (a schema's or a service's) shows the task page again with the form's errors and what was typed.
 */
import type { Context, Hono } from 'hono';
import type { z } from '@hono/zod-openapi';
import { paymentsContext, type AppBindings } from '../../context';
import { toCents } from '../../lib/money';
import { requireRole } from '../../middleware/auth';
import { CreateCheckoutBody } from '../../schemas/payments';
import { ApproveBody, ReasonBody, SendMessageBody, SubmitBody } from '../../schemas/tasks';
import { ApiError } from '../../lib/errors';
import { uploadFile } from '../../services/files/files';
import { createCheckout } from '../../services/payments/checkout';
import { acceptTask, approveTask, cancelTask, disputeTask, requestRevision, submitTask } from '../../services/tasks/actions';
import { sendMessage } from '../../services/tasks/messages';
import { formFailure, issuesToFormErrors, numberField, optionalText, readForm } from '../forms';
import { ATTACHMENT_ROWS, FORM_FIELDS, type TaskForm } from '../pages/task-forms';
import { sendOnce } from '../send-once';
import { requireSession } from '../session';
import { renderTaskPage, type TaskNotice } from './task-page';

/** Who may do what, as on the API routes (their requireAuth roles). */
const CLIENTS = ['ai_client', 'client'] as const;
const PROFESSIONALS = ['professional'] as const;
const WRITERS = ['ai_client', 'client', 'professional'] as const;

type Ctx = Context<AppBindings>;
type Outcome = { ok: true; notice: TaskNotice; redirect?: string } | { ok: false; issues: readonly z.core.$ZodIssue[] };

interface FormAction {
  path: string;
  form: TaskForm | ((form: Record<string, string>) => string);
  fields: readonly string[];
  roles: readonly AppBindings['Variables']['caller']['role'][];
  run: (c: Ctx, taskId: string, form: Record<string, string>) => Promise<Outcome>;
}

const done = (notice: TaskNotice, redirect?: string): Outcome => ({ ok: true, notice, redirect });

/** A schema result as the action's outcome: its data to `then`, or its issues for the form. */
async function parsed<T>(result: z.ZodSafeParseResult<T>, then: (data: T) => Promise<Outcome>): Promise<Outcome> {
  return result.success ? then(result.data) : { ok: false, issues: result.error.issues };
}

/**
 * The submit form's filled attachment rows as the body's list. A row left empty is skipped, so the list is shorter
 * than the rows; `rows` maps each list index back to its row, so an error lands by the box it is about.
 */
function attachmentsOf(form: Record<string, string>) {
  const rows = Array.from({ length: ATTACHMENT_ROWS }, (_, i) => i).filter(
    (i) => optionalText(form[`attachments.${i}.name`]) !== undefined || optionalText(form[`attachments.${i}.url`]) !== undefined,
  );
  const links = rows.map((i) => ({ name: form[`attachments.${i}.name`] ?? '', url: (form[`attachments.${i}.url`] ?? '').trim() }));
  // Uploaded files ticked in the form (`files.<id>`), after the links, so the links' indexes still map to their rows.
  const uploaded = Object.keys(form)
    .filter((name) => name.startsWith('files.') && form[name] === 'on')
    .map((name) => ({ file_id: name.slice('files.'.length) }));
  return { rows, attachments: [...links, ...uploaded] };
}

const ACTIONS: FormAction[] = [
  {
    path: 'pay',
    form: 'pay',
    fields: FORM_FIELDS.pay,
    roles: CLIENTS,
    // POST /api/v1/payments/checkout's service; the payer comes back to this page either way.
    run: async (c, taskId, form) => {
      const origin = new URL(c.req.url).origin;
      const back = `${origin}/app/tasks/${taskId}`;
      const body = { task_id: taskId, amount: numberField(form.amount), success_url: `${back}?notice=paid`, cancel_url: back };
      return parsed(CreateCheckoutBody.safeParse(body), async (data) => {
        const checkoutUrl = await sendOnce(c, form, async (db, payments) => {
          const checkout = await createCheckout(db, payments, c.var.caller, {
            taskId,
            amountCents: toCents(data.amount),
            successUrl: data.success_url,
            cancelUrl: data.cancel_url,
          });
          return checkout.url;
        });
        return done('paid', checkoutUrl);
      });
    },
  },
  {
    path: 'accept',
    form: 'accept',
    fields: FORM_FIELDS.accept,
    roles: PROFESSIONALS,
    run: async (c, taskId) => {
      await acceptTask(c.var.db, paymentsContext(c), c.var.caller, taskId);
      return done('accepted');
    },
  },
  {
    path: 'messages',
    // The owner answers in a named professional's thread; each thread has its own form on the page.
    form: (form) => (optionalText(form.professional_id) ? `reply-${form.professional_id}` : 'message'),
    fields: FORM_FIELDS.message,
    roles: WRITERS,
    run: (c, taskId, form) =>
      parsed(SendMessageBody.safeParse({ text: form.text ?? '', professional_id: optionalText(form.professional_id) }), async (data) => {
        const back = await sendOnce(c, form, async (db, payments) => {
          await sendMessage(db, payments, c.var.caller, taskId, { text: data.text, attachments: [], professionalId: data.professional_id ?? null });
          return `/app/tasks/${taskId}?notice=message`;
        });
        return done('message', back);
      }),
  },
  {
    path: 'submit',
    form: 'submit',
    fields: FORM_FIELDS.submit,
    roles: PROFESSIONALS,
    run: async (c, taskId, form) => {
      const { rows, attachments } = attachmentsOf(form);
      const result = SubmitBody.safeParse({ text: form.text ?? '', attachments: attachments.length > 0 ? attachments : undefined });
      if (!result.success) {
        const issues = result.error.issues.map((issue) =>
          issue.path[0] === 'attachments' && typeof issue.path[1] === 'number' ? { ...issue, path: ['attachments', rows[issue.path[1]]!, ...issue.path.slice(2)] } : issue,
        );
        return { ok: false, issues };
      }
      await submitTask(c.var.db, paymentsContext(c), c.var.caller, taskId, { text: result.data.text, attachments: result.data.attachments ?? [], data: null });
      return done('submitted');
    },
  },
  {
    path: 'approve',
    form: 'approve',
    fields: FORM_FIELDS.approve,
    roles: CLIENTS,
    run: (c, taskId, form) =>
      parsed(ApproveBody.safeParse({ rating: numberField(form.rating), review: optionalText(form.review) }), async (data) => {
        await approveTask(c.var.db, paymentsContext(c), c.var.caller, taskId, data);
        return done('approved');
      }),
  },
  {
    path: 'request-revision',
    form: 'revision',
    fields: FORM_FIELDS.revision,
    roles: CLIENTS,
    run: (c, taskId, form) =>
      parsed(ReasonBody.safeParse({ reason: form.reason ?? '' }), async (data) => {
        await requestRevision(c.var.db, paymentsContext(c), c.var.caller, taskId, data.reason);
        return done('revision');
      }),
  },
  {
    path: 'dispute',
    form: 'dispute',
    fields: FORM_FIELDS.dispute,
    roles: WRITERS,
    run: (c, taskId, form) =>
      parsed(ReasonBody.safeParse({ reason: form.reason ?? '' }), async (data) => {
        await disputeTask(c.var.db, paymentsContext(c), c.var.caller, taskId, data.reason);
        return done('disputed');
      }),
  },
  {
    path: 'cancel',
    form: 'cancel',
    fields: FORM_FIELDS.cancel,
    roles: CLIENTS,
    run: async (c, taskId) => {
      await cancelTask(c.var.db, paymentsContext(c), c.var.caller, taskId);
      return done('canceled');
    },
  },
];

/**
 * The upload form: one file, read from the multipart body, handed to the same uploadFile as
 * POST /api/v1/tasks/{id}/files (who may upload, size and type rules); a refusal shows the page with the error.
 */
function registerUpload(web: Hono<AppBindings>) {
  web.post('/tasks/:id/files', requireSession, async (c) => {
    requireRole(c.var.caller, [...WRITERS]);
    const taskId = c.req.param('id');
    const file = (await c.req.parseBody()).file;
    try {
      if (!(file instanceof File) || file.size === 0) {
        throw new ApiError('VALIDATION_ERROR', 'Choose a file to upload.', { details: [{ path: 'file', message: 'Choose a file to upload.' }] });
      }
      await uploadFile(c.var.db, c.env, c.var.caller, taskId, {
        name: file.name,
        declaredType: file.type,
        bytes: new Uint8Array(await file.arrayBuffer()),
      });
    } catch (err) {
      const { errors, status } = formFailure(err, FORM_FIELDS.upload);
      return renderTaskPage(c, taskId, { failed: { form: 'upload', errors, values: {} }, status });
    }
    return c.redirect(`/app/tasks/${taskId}?notice=uploaded`, 303);
  });
}

export function registerTaskActions(web: Hono<AppBindings>) {
  registerUpload(web);
  for (const action of ACTIONS) {
    web.post(`/tasks/:id/${action.path}`, requireSession, async (c) => {
      requireRole(c.var.caller, [...action.roles]);
      const taskId = c.req.param('id');
      const form = await readForm(c.req);
      const scope = typeof action.form === 'function' ? action.form(form) : action.form;
      const values = Object.fromEntries(Object.entries(form).filter(([name]) => name !== 'csrf'));
      let outcome: Outcome;
      try {
        outcome = await action.run(c, taskId, form);
      } catch (err) {
        const { errors, status } = formFailure(err, action.fields);
        return renderTaskPage(c, taskId, { failed: { form: scope, errors, values }, status });
      }
      if (!outcome.ok) {
        const errors = issuesToFormErrors(outcome.issues, action.fields);
        return renderTaskPage(c, taskId, { failed: { form: scope, errors, values }, status: 400 });
      }
      return c.redirect(outcome.redirect ?? `/app/tasks/${taskId}?notice=${outcome.notice}`, 303);
    });
  }
}
