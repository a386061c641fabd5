/**
 * Pages of delivery attempts. An attempt has no random id of its own; its public id is its row's key behind a prefix,
 * which is what `starting_after` names: a delivery id would not do, since a page can end between its attempts.
 */
import type { WebhookAttemptRow } from '../../db/queries/webhook-deliveries';
import { parseSerialId, serialId, unknownCursor } from '../../lib/pagination';

const ATTEMPT_ID_PREFIX = 'att';

export const attemptId = (attempt: WebhookAttemptRow) => serialId(ATTEMPT_ID_PREFIX, attempt.id);

export interface AttemptPage {
  limit: number;
  offset: number;
  startingAfter?: string | undefined;
}

interface Listed<T> {
  rows: T[];
  total: number;
  hasMore: boolean;
  cursorKnown: boolean;
}

/** Runs `list` from the page's cursor; a cursor that is not one of the list's attempts is 400, never a first page. */
export async function pageOfAttempts<T>(page: AttemptPage, list: (at: { limit: number; offset: number; startingAfter?: number }) => Promise<Listed<T>>) {
  const { startingAfter, ...at } = page;
  const id = startingAfter === undefined ? undefined : parseSerialId(ATTEMPT_ID_PREFIX, startingAfter);
  if (id === null) throw unknownCursor(startingAfter!);
  const listed = await list(id === undefined ? at : { ...at, startingAfter: id });
  if (!listed.cursorKnown) throw unknownCursor(startingAfter!);
  return listed;
}
