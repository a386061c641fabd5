/**
 * Waiting for a task: one request held open until the task reaches a status, or someone writes the caller a message,
 * so an agent hears of a delivery or a question within a second instead of calling GET on a timer. While it waits it
 * only reads, every WAIT_POLL_MS, the task's status and the position of the latest message the caller may see (one
 * row by primary key), over the request's own pool: its one connection stays open between reads, so a wait costs a
 * query every half second and no new connection. The full task is read, with the same visibility rules as GET, only
 * at the start and at the end.
 */
import type { Caller } from '../../context';
import type { Db } from '../../db/client';
import { findTaskStatusAndLatestMessage } from '../../db/queries/task-messages';
import type { TaskStatus, TaskView } from '../../db/queries/tasks';
import { pause } from '../../lib/pause';
import { getTask, readTaskFor } from './catalog';
import { readableThread } from './messages';

/** Under the 30 s that HTTP clients, proxies and MCP clients commonly allow a request, with room to spare. */
export const WAIT_DEFAULT_SECONDS = 25;
export const WAIT_MAX_SECONDS = 30;
/** A change is seen at most this long after it commits (plus one query). */
export const WAIT_POLL_MS = 500;

export interface WaitOptions {
  /** The statuses to wait for; null waits for any status other than the one the task has when the wait starts. */
  until: readonly TaskStatus[] | null;
  timeoutMs: number;
  /** The client's request: once it is aborted nobody is listening, so the wait stops reading at once. */
  signal?: AbortSignal;
}

/**
 * Why the wait answered: the status condition was met; a message from someone else, in a thread the caller may read,
 * arrived first; or neither happened in time (or the client left). A status reached wins over a message.
 */
export type WaitReason = 'status' | 'message' | 'timeout';

export interface WaitOutcome {
  view: TaskView;
  /**
   * True when the task returned does not meet the status condition (reason message or timeout). Kept with that meaning
   * so a caller written before messages existed, which waits again while it is true, stays correct.
   */
  timedOut: boolean;
  reason: WaitReason;
}

export async function waitForTask(db: Db, caller: Caller, taskId: string, options: WaitOptions): Promise<WaitOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  const { view: first, relation } = await readTaskFor(db, caller, taskId);
  const from = first.task.status;
  const reached = (status: TaskStatus) => (options.until ? options.until.includes(status) : status !== from);
  if (reached(from)) return { view: first, timedOut: false, reason: 'status' };

  const scope = { thread: readableThread(caller, relation), readerId: caller.id };
  const seen = (await findTaskStatusAndLatestMessage(db, taskId, scope))?.latestMessage ?? 0;
  let messaged = false;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    if (!(await pause(Math.min(WAIT_POLL_MS, left), options.signal))) return { view: first, timedOut: true, reason: 'timeout' };
    // At the deadline the full read below is the last look; no status read just before it.
    if (Date.now() >= deadline) break;
    const now = await findTaskStatusAndLatestMessage(db, taskId, scope);
    if (now === null || reached(now.status)) break;
    if (now.latestMessage > seen) {
      messaged = true;
      break;
    }
  }
  // Read through the same rules as GET: whoever could see the task at the start may not see it now (a listed task
  // taken by someone else), and then this is the same 404 GET would answer.
  const view = await getTask(db, caller, taskId);
  const status = reached(view.task.status);
  return { view, timedOut: !status, reason: status ? 'status' : messaged ? 'message' : 'timeout' };
}
