/**
 * Forms that create something (a task, a checkout, a message) act once per page they were sent from, so a double
 * click or a resend after a lost answer creates nothing twice. Each such form carries a random `form_key`, used as the
 * Idempotency-Key of the API's own mechanism (services/idempotency.ts: the action and its stored answer in one
 * transaction, keyed per account); a second send with the same key is answered with the first one's redirect.
 */
import type { Context } from 'hono';
import { paymentsContext, type AppBindings } from '../context';
import type { Db } from '../db/client';
import { ApiError } from '../lib/errors';
import { randomString } from '../lib/ids';
import type { PaymentsContext } from '../services/payments/after-commit';
import { answerOnce, requestFingerprint, type IdempotentOutcome } from '../services/idempotency';
import { pause } from '../lib/pause';
import { FORM_TOKEN_FIELD } from './csrf';

export const FORM_KEY_FIELD = 'form_key';
const FORM_KEY = /^[A-Za-z0-9]{16,64}$/;
const IN_FLIGHT_POLL_MS = 200;
const IN_FLIGHT_WAIT_MS = 5_000;

/** A fresh key for each form rendered (a form shown again after an error gets a new one: it is a new attempt). */
export const newFormKey = () => randomString(24);

/**
 * Runs `act` (which returns where to send the browser) once per form key. Without a well-formed key it simply runs.
 * An ApiError from `act` rolls everything back and keeps nothing, so the form can be corrected and sent again.
 */
export async function sendOnce(
  c: Context<AppBindings>,
  form: Record<string, string>,
  act: (db: Db, payments: PaymentsContext) => Promise<string>,
): Promise<string> {
  const key = form[FORM_KEY_FIELD];
  const payments = paymentsContext(c);
  if (!key || !FORM_KEY.test(key)) return act(c.var.db, payments);
  // The form's fields are what make two sends "the same"; the session's form token is not a parameter.
  const fields = Object.fromEntries(Object.entries(form).filter(([name]) => name !== FORM_TOKEN_FIELD && name !== FORM_KEY_FIELD));
  const fingerprint = await requestFingerprint(`WEB POST ${c.req.path}`, '', JSON.stringify(fields));
  const afterTransaction = (work: () => Promise<unknown>) => c.executionCtx.waitUntil(work());
  const request = { userId: c.var.caller.id, key: `web:${key}`, fingerprint };
  let outcome: IdempotentOutcome<string>;
  let waited = 0;
  for (;;) {
    outcome = await answerOnce(c.var.db, request, afterTransaction, async (tx, defer) => {
      const location = await act(tx, { ...payments, defer });
      return { result: location, stored: { status: 303, body: location, contentType: 'text/plain' } };
    });
    // A double click: the browser drops the first request and shows the answer to the second, which finds the first
    // still acting. It waits for the first to finish, then gets the first one's answer, instead of an error page.
    if (outcome.kind !== 'in_flight' || waited >= IN_FLIGHT_WAIT_MS) break;
    await pause(IN_FLIGHT_POLL_MS, c.req.raw.signal);
    waited += IN_FLIGHT_POLL_MS;
  }
  if (outcome.kind === 'acted') return outcome.result;
  if (outcome.kind === 'replay') return outcome.answer.body;
  if (outcome.kind === 'mismatch') throw new ApiError('IDEMPOTENCY_MISMATCH', 'This form was already sent with other values. Reload the page and fill it in again.');
  throw new ApiError('CONFLICT', 'This form is still being sent. Wait a moment, then reload the page.');
}
