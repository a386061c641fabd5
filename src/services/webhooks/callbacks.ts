/**
 * A task posted with a callback_url: its events go there too, whatever their type, signed with the account's
 * callback signing secret (one per account, so a receiver verifies every task's events with one secret).
 */
import type { Caller } from '../../context';
import type { Db } from '../../db/client';
import type { TaskView } from '../../db/queries/tasks';
import type { AppEnv } from '../../env';
import { createTask, type NewTaskInput } from '../tasks/catalog';
import { callbackSecretFor } from './endpoints';
import { assertDeliveryUrl } from './urls';

export async function createTaskWithCallback(
  db: Db,
  env: AppEnv,
  caller: Caller,
  input: NewTaskInput,
  callbackUrl: string,
): Promise<{ view: TaskView; callbackSecret: string }> {
  assertDeliveryUrl(env, callbackUrl, 'callback_url');
  const view = await createTask(db, caller, { ...input, callbackUrl });
  return { view, callbackSecret: await callbackSecretFor(db, env, caller.id) };
}
