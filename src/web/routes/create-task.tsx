import type { Hono } from 'hono';
import type { AppBindings } from '../../context';
import { requireRole } from '../../middleware/auth';
import { CreateTaskBody, toNewTaskInput } from '../../schemas/tasks';
import { createTask } from '../../services/tasks/catalog';
import { formFailure, issuesToFormErrors, numberField, optionalText, readForm } from '../forms';
import { NEW_TASK_FIELDS, NewTaskPage } from '../pages/new-task';
import { renderPage } from '../render';
import { sendOnce } from '../send-once';
import { requireSession, webSession } from '../session';

/** Who may post, as on POST /api/v1/tasks. */
const POSTERS = ['ai_client', 'client'] as const;

/**
 * The form as the API's create body. A datetime-local box has no time zone: the page says UTC, and the value is read
 * as UTC. An in-person location is sent only for in-person tasks, so switching back to Remote does not fail on it.
 */
function createBody(form: Record<string, string>) {
  const deadline = optionalText(form.deadline);
  return {
    title: form.title ?? '',
    description: form.description ?? '',
    category: optionalText(form.category),
    location_type: optionalText(form.location_type),
    location: form.location_type === 'local' ? (optionalText(form.location) ?? null) : undefined,
    budget_amount: numberField(form.budget_amount),
    budget_type: optionalText(form.budget_type),
    deadline: deadline === undefined ? undefined : /^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(deadline) ? `${deadline}:00Z` : deadline,
  };
}

export function registerCreateTask(web: Hono<AppBindings>) {
  web.get('/tasks/new', requireSession, async (c) => {
    requireRole(c.var.caller, [...POSTERS]);
    return renderPage(c, 'Post a task', <NewTaskPage session={await webSession(c)} />);
  });

  web.post('/tasks', requireSession, async (c) => {
    requireRole(c.var.caller, [...POSTERS]);
    const form = await readForm(c.req);
    const session = await webSession(c);
    const parsed = CreateTaskBody.safeParse(createBody(form));
    if (!parsed.success) {
      const errors = issuesToFormErrors(parsed.error.issues, NEW_TASK_FIELDS);
      return renderPage(c, 'Post a task', <NewTaskPage session={session} values={form} errors={errors} />, 400);
    }
    try {
      const input = toNewTaskInput(parsed.data);
      const location = await sendOnce(c, form, async (db) => `/app/tasks/${(await createTask(db, c.var.caller, input)).task.id}?notice=posted`);
      return c.redirect(location, 303);
    } catch (err) {
      const { errors, status } = formFailure(err, NEW_TASK_FIELDS);
      return renderPage(c, 'Post a task', <NewTaskPage session={session} values={form} errors={errors} />, status);
    }
  });
}
