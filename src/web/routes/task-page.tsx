import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppBindings } from '../../context';
import { signDownloadLink } from '../../services/files/download-links';
import { listFiles } from '../../services/files/files';
import { readTaskFor } from '../../services/tasks/catalog';
import { messageObject } from '../../services/tasks/message-object';
import { listMessages } from '../../services/tasks/messages';
import { TaskPage } from '../pages/task';
import type { FailedForm } from '../pages/task-forms';
import { renderPage } from '../render';
import { webSession } from '../session';

/** What a redirect back to the task page may announce (looked up, never echoed from the query). */
export const TASK_NOTICES = {
  posted: 'Task posted. Pay into escrow to list it for professionals.',
  paid: 'Payment received. It shows below once the payment is confirmed.',
  accepted: 'You accepted the task. Submit your result below when it is done.',
  submitted: 'Result submitted. The client is reviewing it.',
  approved: 'Approved. The professional has been paid.',
  revision: 'Revision requested. The professional can submit again.',
  disputed: 'Dispute opened. The platform will decide who is paid.',
  canceled: 'Task canceled. Any payment is on its way back to you.',
  message: 'Message sent.',
  uploaded: 'File uploaded. Tick it in the form below to attach it to your result.',
} as const;

export type TaskNotice = keyof typeof TASK_NOTICES;

/** A thread holds at most 500 messages (services/tasks/messages.ts); the page shows the first 100 of the task's. */
const MESSAGES_SHOWN = 100;
/** As many as a task may hold (services/files/files.ts MAX_FILES_PER_TASK). */
const FILES_SHOWN = 100;

/** The task page, for a GET or again after a form on it failed (with that form's errors and what was typed). */
export async function renderTaskPage(
  c: Context<AppBindings>,
  taskId: string,
  options: { failed?: FailedForm; status?: ContentfulStatusCode } = {},
): Promise<Response> {
  const session = await webSession(c);
  const { view, relation } = await readTaskFor(c.var.db, session.caller, taskId);
  const { views } = await listMessages(c.var.db, session.caller, taskId, {}, { limit: MESSAGES_SHOWN, offset: 0 });
  const files = relation === 'market' ? [] : (await listFiles(c.var.db, session.caller, taskId, FILES_SHOWN, 0)).rows;
  // A browser follows a link without the API's credentials: uploaded files are linked by signed, expiring URLs.
  const origin = new URL(c.req.url).origin;
  const fileLinks = Object.fromEntries(await Promise.all(files.map(async (f) => [f.id, (await signDownloadLink(c.env, origin, f.id)).url] as const)));
  const noticeKey = c.req.method === 'GET' ? c.req.query('notice') : undefined;
  const notice = noticeKey && noticeKey in TASK_NOTICES ? TASK_NOTICES[noticeKey as TaskNotice] : undefined;
  return renderPage(
    c,
    view.task.title,
    <TaskPage session={session} view={view} relation={relation} messages={views.map(messageObject)}
      files={files.map((f) => ({ id: f.id, name: f.name, kind: f.kind, uploadedBy: f.uploadedBy }))}
      fileLinks={fileLinks}
      failed={options.failed} notice={notice} />,
    options.status ?? 200,
  );
}
