/** What a client can see and do about deliveries beyond one endpoint: a task's whole delivery history. */
import type { Caller } from '../../context';
import type { Db } from '../../db/client';
import { findTask } from '../../db/queries/tasks';
import { listTaskAttempts } from '../../db/queries/webhook-deliveries';
import { notFound } from '../../lib/errors';

interface Page {
  limit: number;
  offset: number;
}

/**
 * The owner's view only: callback URLs often carry a token, and endpoints are the client's own configuration.
 * Everyone else, the assigned professional included, gets 404, as for a task they cannot read.
 */
export async function listTaskDeliveries(db: Db, caller: Caller, taskId: string, page: Page) {
  const task = await findTask(db, taskId);
  if (!task || task.clientId !== caller.id) throw notFound('Task');
  return listTaskAttempts(db, taskId, page);
}
