/**
 * A fake of the parts of Stripe's HTTP API this project uses, for the test suite (Node side; the Worker under test
 * reaches it at 127.0.0.1 with the real SDK pointed here through host/port/protocol). It speaks Stripe's wire
 * format (form-encoded requests, JSON objects shaped as in Stripe's API reference, Stripe's error bodies), checks
 * the bearer key, and honours Idempotency-Key as Stripe does: the same key with the same parameters answers the
 * first response again (Idempotent-Replayed: true) and creates nothing; with other parameters it is a 400
 * idempotency_error; failed requests are not saved, so their retry runs for real.
 *
 * Test controls (no key needed), under /__:
 *   GET  /__requests?path=&method=&idempotency_key=   every API request seen (method, path, params, keys, status)
 *   POST /__fail {path, count, status?, method?, idempotency_key?, params?, after_processing?}  the next `count` matching
 *        calls answer 500; with after_processing the request is carried out first (the answer is what gets lost)
 *   POST /__pay/:session {async?}                     the payer pays: returns the checkout.session.completed event
 *   POST /__async/:session {outcome}                  an async payment settles: async_payment_succeeded / _failed
 *   POST /__expire/:session                           the session expires: checkout.session.expired
 *   POST /__accounts/:id {payouts_enabled, ...}       Stripe updates a connected account: account.updated
 *   POST /__refunds/:id/fail {failure_reason?}        a refund fails after it was made (the card was closed): the money
 *        is back in the balance; returns the events refund.updated, refund.failed and charge.refund.updated
 *   POST /__idempotency/forget {key}                  Stripe prunes a key (it keeps them 24 hours)
 *   GET  /__events?type=   GET /__totals[?transfer_group=]   events emitted; money collected/refunded/transferred/paid out
 * Events come back unsigned: the test signs them (generateTestHeaderStringAsync) and delivers them.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { STRIPE_API_VERSION } from '../../src/services/payments/stripe-client';
import { fingerprint, parseStripeForm, type FormObject, type FormValue } from './stripe-fake-form';

export interface StripeFake {
  url: string;
  close: () => Promise<void>;
}

type Json = Record<string, any>;

interface RecordedRequest {
  method: string;
  path: string;
  params: FormObject;
  idempotency_key: string | null;
  stripe_account: string | null;
  stripe_version: string | null;
  status: number;
  replayed: boolean;
}

class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: { type: string; message: string; code?: string; param?: string },
  ) {
    super(body.message);
  }
}

const invalid = (message: string, param?: string, code?: string) =>
  new StripeApiError(400, { type: 'invalid_request_error', message, ...(param ? { param } : {}), ...(code ? { code } : {}) });
const missing = (kind: string, id: string, param = 'id') =>
  new StripeApiError(404, { type: 'invalid_request_error', code: 'resource_missing', param, message: `No such ${kind}: '${id}'` });

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const randomToken = (length: number) => [...randomBytes(length)].map((b) => ALPHANUMERIC[b % ALPHANUMERIC.length]).join('');
const newId = (prefix: string, length = 24) => `${prefix}_${randomToken(length)}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

function int(value: FormValue | undefined, param: string, { required = true, min = 1 } = {}): number | null {
  if (value === undefined || value === '') {
    if (required) throw invalid(`Missing required param: ${param}.`, param, 'parameter_missing');
    return null;
  }
  const n = Number(value);
  if (typeof value !== 'string' || !/^-?\d+$/.test(value) || n < min) throw invalid(`Invalid integer: ${String(value)}`, param);
  return n;
}

function str(value: FormValue | undefined, param: string, required = true): string | null {
  if (value === undefined || value === '') {
    if (required) throw invalid(`Missing required param: ${param}.`, param, 'parameter_missing');
    return null;
  }
  if (typeof value !== 'string') throw invalid(`Invalid string: ${param}`, param);
  return value;
}

function currency(value: FormValue | undefined, param = 'currency'): string {
  const c = str(value, param)!;
  if (!/^[a-z]{3}$/.test(c)) throw invalid(`Invalid currency: ${c}.`, param);
  return c;
}

/** Stripe's metadata rules: up to 50 keys, keys up to 40 characters, values up to 500, strings only. */
function metadata(value: FormValue | undefined, param = 'metadata'): Record<string, string> {
  if (value === undefined || value === '') return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid('Invalid object', param);
  const entries = Object.entries(value);
  if (entries.length > 50) throw invalid('Metadata can have at most 50 keys.', param);
  for (const [k, v] of entries) {
    if (k.length > 40) throw invalid(`Metadata keys can be at most 40 characters; "${k}" is too long.`, `${param}[${k}]`);
    if (typeof v !== 'string' || v.length > 500) throw invalid('Metadata values must be strings of at most 500 characters.', `${param}[${k}]`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

const list = (url: string, data: Json[], limit: FormValue | undefined) => {
  const n = limit === undefined ? 10 : Math.min(Number(limit), 100);
  return { object: 'list', data: data.slice(0, n), has_more: data.length > n, url };
};

export async function startStripeFake(options: { secretKey: string }): Promise<StripeFake> {
  const sessions = new Map<string, Json>();
  const sessionIntentData = new Map<string, { transfer_group: string | null; metadata: Record<string, string> }>();
  const paymentIntents = new Map<string, Json>();
  const charges = new Map<string, Json>();
  const refunds: Json[] = [];
  const transfers: Json[] = [];
  const accounts = new Map<string, Json>();
  const payouts: Json[] = [];
  /** Which connected account each payout was made on (Stripe-Account), by payout id. */
  const payoutAccounts = new Map<string, string | null>();
  const events: Json[] = [];
  const requests: RecordedRequest[] = [];
  const idempotency = new Map<string, { fingerprint: string; status: number; body: Json }>();
  const failures: {
    path: string;
    method?: string;
    idempotencyKey?: string;
    /** Only requests whose top-level parameters have these values (e.g. one task's client_reference_id). */
    params?: Record<string, string>;
    remaining: number;
    status: number;
    afterProcessing: boolean;
  }[] = [];
  const totals = { collected: 0, refunded: 0, transferred: 0, paid_out: 0 };
  /** Money available on connected accounts (transferred in, paid out). */
  const connectedBalance = new Map<string, number>();

  const emit = (type: string, object: Json, extra: Json = {}) => {
    const event = {
      id: newId('evt'),
      object: 'event',
      api_version: STRIPE_API_VERSION,
      created: nowSeconds(),
      data: { object: structuredClone(object), ...(extra.previous_attributes ? { previous_attributes: extra.previous_attributes } : {}) },
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      type,
      ...(extra.account ? { account: extra.account } : {}),
    };
    events.push(event);
    return event;
  };

  const platformAvailable = () => totals.collected - totals.refunded - totals.transferred;

  // ---- the API -------------------------------------------------------------------------------------------------

  function createSession(p: FormObject): Json {
    if (p.mode !== 'payment') throw invalid('This fake supports mode=payment only.', 'mode');
    const items = p.line_items;
    if (!Array.isArray(items) || items.length === 0) throw invalid('Missing required param: line_items.', 'line_items', 'parameter_missing');
    let amount = 0;
    let sessionCurrency: string | null = null;
    items.forEach((raw, i) => {
      const item = raw as FormObject;
      const price = item.price_data as FormObject | undefined;
      if (!price) throw invalid('Each line item needs price_data.', `line_items[${i}][price_data]`);
      const c = currency(price.currency, `line_items[${i}][price_data][currency]`);
      if (sessionCurrency && c !== sessionCurrency) throw invalid('All line items must share a currency.', `line_items[${i}]`);
      sessionCurrency = c;
      str((price.product_data as FormObject | undefined)?.name, `line_items[${i}][price_data][product_data][name]`);
      amount += int(price.unit_amount, `line_items[${i}][price_data][unit_amount]`, { min: 0 })! * int(item.quantity, `line_items[${i}][quantity]`)!;
    });
    if (amount < 50) throw invalid('The Checkout Session\'s total amount due must add up to at least $0.50 usd', 'line_items', 'amount_too_small');
    const created = nowSeconds();
    const expiresAt = int(p.expires_at, 'expires_at', { required: false }) ?? created + 24 * 3600;
    if (expiresAt < created + 30 * 60 || expiresAt > created + 24 * 3600) {
      throw invalid('The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.', 'expires_at');
    }
    const intentData = (p.payment_intent_data ?? {}) as FormObject;
    const id = newId('cs_test', 58);
    const session = {
      id,
      object: 'checkout.session',
      after_expiration: null,
      allow_promotion_codes: null,
      amount_subtotal: amount,
      amount_total: amount,
      automatic_tax: { enabled: false, liability: null, status: null },
      billing_address_collection: null,
      cancel_url: str(p.cancel_url, 'cancel_url', false),
      client_reference_id: str(p.client_reference_id, 'client_reference_id', false),
      client_secret: null,
      consent: null,
      created,
      currency: sessionCurrency,
      customer: null,
      customer_creation: 'if_required',
      customer_details: null,
      customer_email: str(p.customer_email, 'customer_email', false),
      expires_at: expiresAt,
      invoice: null,
      livemode: false,
      locale: null,
      metadata: metadata(p.metadata),
      mode: 'payment',
      payment_intent: null,
      payment_link: null,
      payment_method_collection: 'if_required',
      payment_method_types: ['card'],
      payment_status: 'unpaid',
      status: 'open',
      submit_type: null,
      success_url: str(p.success_url, 'success_url'),
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      ui_mode: 'hosted',
      url: `https://checkout.stripe.com/c/pay/${id}`,
    };
    sessions.set(id, session);
    sessionIntentData.set(id, {
      transfer_group: str(intentData.transfer_group, 'payment_intent_data[transfer_group]', false),
      metadata: metadata(intentData.metadata, 'payment_intent_data[metadata]'),
    });
    return session;
  }

  const session = (id: string) => sessions.get(id) ?? (() => { throw missing('checkout.session', id, 'session'); })();

  function expireSession(id: string): Json {
    const s = session(id);
    if (s.status !== 'open') throw invalid(`Only Checkout Sessions with a status of \`open\` can be expired. This session has a status of \`${s.status}\`.`);
    Object.assign(s, { status: 'expired', url: null });
    emit('checkout.session.expired', s);
    return s;
  }

  function createCharge(intent: Json): Json {
    const charge = {
      id: newId('ch'),
      object: 'charge',
      amount: intent.amount,
      amount_captured: intent.amount,
      amount_refunded: 0,
      balance_transaction: newId('txn'),
      captured: true,
      created: nowSeconds(),
      currency: intent.currency,
      livemode: false,
      metadata: intent.metadata,
      paid: true,
      payment_intent: intent.id,
      refunded: false,
      status: 'succeeded',
      transfer_group: intent.transfer_group,
    };
    charges.set(charge.id, charge);
    Object.assign(intent, { status: 'succeeded', amount_received: intent.amount, latest_charge: charge.id });
    totals.collected += intent.amount;
    return charge;
  }

  function pay(id: string, async: boolean): Json {
    const s = session(id);
    if (s.status !== 'open') throw invalid(`This Checkout Session is ${s.status} and cannot be paid.`);
    const data = sessionIntentData.get(id)!;
    const intent = {
      id: newId('pi'),
      object: 'payment_intent',
      amount: s.amount_total,
      amount_received: 0,
      capture_method: 'automatic_async',
      created: nowSeconds(),
      currency: s.currency,
      latest_charge: null,
      livemode: false,
      metadata: data.metadata,
      status: 'processing',
      transfer_group: data.transfer_group,
    };
    paymentIntents.set(intent.id, intent);
    if (!async) createCharge(intent);
    Object.assign(s, {
      status: 'complete',
      payment_status: async ? 'unpaid' : 'paid',
      payment_intent: intent.id,
      customer_details: { email: 'payer@example.test', name: 'Test Payer', phone: null, tax_exempt: 'none', tax_ids: [], address: null },
      url: null,
    });
    return emit('checkout.session.completed', s);
  }

  function settleAsync(id: string, outcome: string): Json {
    const s = session(id);
    const intent = paymentIntents.get(s.payment_intent);
    if (!intent || intent.status !== 'processing') throw invalid('This session has no payment in processing.');
    if (outcome === 'succeeded') {
      createCharge(intent);
      s.payment_status = 'paid';
      return emit('checkout.session.async_payment_succeeded', s);
    }
    intent.status = 'requires_payment_method';
    return emit('checkout.session.async_payment_failed', s);
  }

  function createRefund(p: FormObject): Json {
    const intentId = str(p.payment_intent, 'payment_intent', false);
    const chargeId = str(p.charge, 'charge', false) ?? (intentId ? paymentIntents.get(intentId)?.latest_charge : null);
    if (intentId && !paymentIntents.has(intentId)) throw missing('payment_intent', intentId, 'payment_intent');
    if (!intentId && !chargeId) throw invalid('One of the following params should be provided for this request: payment_intent or charge.');
    const charge = chargeId ? charges.get(chargeId) : undefined;
    if (!charge) throw invalid(`This PaymentIntent (${intentId}) does not have a successful charge to refund.`, 'payment_intent');
    const remaining = charge.amount - charge.amount_refunded;
    if (remaining === 0) throw invalid(`Charge ${charge.id} has already been refunded.`, undefined, 'charge_already_refunded');
    const amount = int(p.amount, 'amount', { required: false }) ?? remaining;
    if (amount > remaining) {
      throw invalid(`Refund amount ($${(amount / 100).toFixed(2)}) is greater than unrefunded amount on charge ($${(remaining / 100).toFixed(2)})`, 'amount', 'amount_too_large');
    }
    const reason = str(p.reason, 'reason', false);
    if (reason && !['duplicate', 'fraudulent', 'requested_by_customer'].includes(reason)) throw invalid(`Invalid reason: ${reason}`, 'reason');
    const refund = {
      id: newId('re'),
      object: 'refund',
      amount,
      balance_transaction: newId('txn'),
      charge: charge.id,
      created: nowSeconds(),
      currency: charge.currency,
      destination_details: { type: 'card', card: { type: 'refund', reference_status: 'pending' } },
      metadata: metadata(p.metadata),
      payment_intent: charge.payment_intent,
      reason,
      receipt_number: null,
      source_transfer_reversal: null,
      status: 'succeeded',
      transfer_reversal: null,
    };
    refunds.unshift(refund);
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded === charge.amount;
    totals.refunded += amount;
    emit('refund.created', refund);
    emit('charge.refunded', charge);
    return refund;
  }

  /** What Stripe does when a card refund fails later: the refund is failed and its money returns to the balance. */
  function failRefund(id: string, failureReason: string): Json[] {
    const refund = refunds.find((r) => r.id === id);
    if (!refund) throw missing('refund', id, 'refund');
    if (refund.status !== 'succeeded' && refund.status !== 'pending') throw invalid(`Refund ${id} is ${refund.status}.`);
    Object.assign(refund, { status: 'failed', failure_reason: failureReason, failure_balance_transaction: newId('txn') });
    const charge = charges.get(refund.charge)!;
    charge.amount_refunded -= refund.amount;
    charge.refunded = false;
    totals.refunded -= refund.amount;
    const previous = { previous_attributes: { status: 'succeeded' } };
    return [emit('refund.updated', refund, previous), emit('refund.failed', refund), emit('charge.refund.updated', refund, previous)];
  }

  const account = (id: string, param = 'account') => accounts.get(id) ?? (() => { throw missing('account', id, param); })();

  function createTransfer(p: FormObject): Json {
    const amount = int(p.amount, 'amount')!;
    const c = currency(p.currency);
    const destination = str(p.destination, 'destination')!;
    const dest = accounts.get(destination);
    if (!dest) throw invalid(`No such destination: '${destination}'`, 'destination');
    if (dest.capabilities.transfers !== 'active') {
      throw invalid(
        'Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments',
        'destination',
        'insufficient_capabilities_for_transfer',
      );
    }
    const sourceId = str(p.source_transaction, 'source_transaction', false);
    if (sourceId) {
      const source = charges.get(sourceId);
      if (!source) throw invalid(`No such charge: '${sourceId}'`, 'source_transaction');
      const used = transfers.filter((t) => t.source_transaction === sourceId).reduce((sum, t) => sum + t.amount, 0);
      if (amount > source.amount - source.amount_refunded - used) {
        throw invalid('The transfer amount exceeds the amount of the source transaction still available.', 'amount');
      }
    } else if (amount > platformAvailable()) {
      throw invalid('You have insufficient funds in your Stripe account.', 'amount', 'balance_insufficient');
    }
    const id = newId('tr');
    const transfer = {
      id,
      object: 'transfer',
      amount,
      amount_reversed: 0,
      balance_transaction: newId('txn'),
      created: nowSeconds(),
      currency: c,
      description: str(p.description, 'description', false),
      destination,
      destination_payment: newId('py'),
      livemode: false,
      metadata: metadata(p.metadata),
      reversals: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/transfers/${id}/reversals` },
      reversed: false,
      source_transaction: sourceId,
      source_type: 'card',
      transfer_group: str(p.transfer_group, 'transfer_group', false),
    };
    transfers.unshift(transfer);
    totals.transferred += amount;
    connectedBalance.set(destination, (connectedBalance.get(destination) ?? 0) + amount);
    emit('transfer.created', transfer);
    return transfer;
  }

  function createAccount(p: FormObject): Json {
    const type = str(p.type, 'type', false);
    if (type && !['express', 'standard', 'custom'].includes(type)) throw invalid(`Invalid type: ${type}`, 'type');
    if (!type && !p.controller) throw invalid('You must provide `type` or `controller`.', 'type');
    const requested = Object.keys((p.capabilities as FormObject | undefined) ?? {});
    const id = newId('acct', 16);
    const acct = {
      id,
      object: 'account',
      business_profile: { mcc: null, name: null, product_description: null, support_email: null, url: null },
      business_type: null,
      capabilities: Object.fromEntries(requested.map((c) => [c, 'inactive'])),
      charges_enabled: false,
      country: str(p.country, 'country', false) ?? 'US',
      created: nowSeconds(),
      default_currency: 'usd',
      details_submitted: false,
      email: str(p.email, 'email', false),
      external_accounts: { object: 'list', data: [], has_more: false, total_count: 0, url: `/v1/accounts/${id}/external_accounts` },
      future_requirements: { alternatives: [], current_deadline: null, currently_due: [], disabled_reason: null, errors: [], eventually_due: [], past_due: [], pending_verification: [] },
      metadata: metadata(p.metadata),
      payouts_enabled: false,
      requirements: {
        alternatives: [],
        current_deadline: null,
        currently_due: ['business_type', 'external_account', 'tos_acceptance.date', 'tos_acceptance.ip'],
        disabled_reason: 'requirements.past_due',
        errors: [],
        eventually_due: ['business_type', 'external_account', 'tos_acceptance.date', 'tos_acceptance.ip'],
        past_due: ['business_type', 'external_account', 'tos_acceptance.date', 'tos_acceptance.ip'],
        pending_verification: [],
      },
      settings: { payouts: { debit_negative_balances: true, schedule: { delay_days: 2, interval: 'daily' }, statement_descriptor: null } },
      tos_acceptance: { date: null },
      type: type ?? 'custom',
    };
    accounts.set(id, acct);
    return acct;
  }

  function updateAccountByStripe(id: string, changes: Json): Json {
    const acct = account(id, 'id');
    const previous: Json = {};
    for (const key of ['payouts_enabled', 'charges_enabled', 'details_submitted'] as const) {
      if (typeof changes[key] === 'boolean' && changes[key] !== acct[key]) {
        previous[key] = acct[key];
        acct[key] = changes[key];
      }
    }
    if (acct.payouts_enabled) {
      previous.capabilities = structuredClone(acct.capabilities);
      acct.capabilities = { ...acct.capabilities, transfers: 'active' };
      acct.requirements = { ...acct.requirements, currently_due: [], past_due: [], eventually_due: [], disabled_reason: null };
    }
    return emit('account.updated', acct, { previous_attributes: previous, account: id });
  }

  function createAccountLink(p: FormObject): Json {
    const acct = account(str(p.account, 'account')!);
    const type = str(p.type, 'type')!;
    if (!['account_onboarding', 'account_update'].includes(type)) throw invalid(`Invalid type: ${type}`, 'type');
    str(p.refresh_url, 'refresh_url');
    str(p.return_url, 'return_url');
    const created = nowSeconds();
    return { object: 'account_link', created, expires_at: created + 300, url: `https://connect.stripe.com/setup/e/${acct.id}/${randomToken(12)}` };
  }

  function createPayout(p: FormObject, stripeAccount: string | null): Json {
    const amount = int(p.amount, 'amount')!;
    const c = currency(p.currency);
    if (stripeAccount) {
      const acct = accounts.get(stripeAccount);
      if (!acct) {
        throw new StripeApiError(403, { type: 'invalid_request_error', code: 'account_invalid', message: 'The provided key does not have access to account.' });
      }
      if (!acct.payouts_enabled) throw invalid('Payouts are not enabled for this account.', undefined, 'payouts_not_allowed');
      if (amount > (connectedBalance.get(stripeAccount) ?? 0)) {
        throw invalid('You have insufficient funds in your Stripe account for this transfer.', 'amount', 'balance_insufficient');
      }
      connectedBalance.set(stripeAccount, connectedBalance.get(stripeAccount)! - amount);
    } else if (amount > platformAvailable()) {
      throw invalid('You have insufficient funds in your Stripe account for this transfer.', 'amount', 'balance_insufficient');
    }
    const created = nowSeconds();
    const payout = {
      id: newId('po'),
      object: 'payout',
      amount,
      arrival_date: created + 2 * 86400,
      automatic: false,
      balance_transaction: newId('txn'),
      created,
      currency: c,
      description: str(p.description, 'description', false),
      destination: newId('ba'),
      failure_balance_transaction: null,
      failure_code: null,
      failure_message: null,
      livemode: false,
      metadata: metadata(p.metadata),
      method: str(p.method, 'method', false) ?? 'standard',
      original_payout: null,
      reversed_by: null,
      source_type: 'card',
      statement_descriptor: null,
      status: 'pending',
      type: 'bank_account',
    };
    payouts.unshift(payout);
    payoutAccounts.set(payout.id, stripeAccount);
    totals.paid_out += amount;
    return payout;
  }

  type Handler = (p: FormObject, m: RegExpMatchArray, stripeAccount: string | null) => Json;
  const routes: [string, RegExp, Handler][] = [
    ['POST', /^\/v1\/checkout\/sessions$/, (p) => createSession(p)],
    ['GET', /^\/v1\/checkout\/sessions\/([^/]+)$/, (_p, m) => session(m[1]!)],
    ['POST', /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/, (_p, m) => expireSession(m[1]!)],
    ['GET', /^\/v1\/payment_intents\/([^/]+)$/, (_p, m) => paymentIntents.get(m[1]!) ?? (() => { throw missing('payment_intent', m[1]!, 'intent'); })()],
    ['POST', /^\/v1\/refunds$/, (p) => createRefund(p)],
    ['GET', /^\/v1\/refunds$/, (p) =>
      list('/v1/refunds', refunds.filter((r) => (!p.payment_intent || r.payment_intent === p.payment_intent) && (!p.charge || r.charge === p.charge)), p.limit)],
    ['POST', /^\/v1\/transfers$/, (p) => createTransfer(p)],
    ['GET', /^\/v1\/transfers$/, (p) =>
      list('/v1/transfers', transfers.filter((t) => (!p.transfer_group || t.transfer_group === p.transfer_group) && (!p.destination || t.destination === p.destination)), p.limit)],
    ['POST', /^\/v1\/accounts$/, (p) => createAccount(p)],
    ['GET', /^\/v1\/accounts\/([^/]+)$/, (_p, m) => account(m[1]!, 'id')],
    ['POST', /^\/v1\/account_links$/, (p) => createAccountLink(p)],
    ['POST', /^\/v1\/payouts$/, (p, _m, acct) => createPayout(p, acct)],
    ['GET', /^\/v1\/payouts$/, (p, _m, acct) => list('/v1/payouts', payouts.filter((po) => payoutAccounts.get(po.id) === acct), p.limit)],
  ];

  function callApi(method: string, path: string, params: FormObject, headers: http.IncomingHttpHeaders): { status: number; body: Json; replayed: boolean } {
    const auth = headers.authorization ?? '';
    if (!auth.startsWith('Bearer ')) {
      throw new StripeApiError(401, { type: 'invalid_request_error', message: 'You did not provide an API key. Provide it in the Authorization header, as a bearer token.' });
    }
    if (auth.slice(7) !== options.secretKey) {
      throw new StripeApiError(401, { type: 'invalid_request_error', message: `Invalid API Key provided: ${auth.slice(7, 15)}****` });
    }
    const stripeAccount = (headers['stripe-account'] as string | undefined) ?? null;
    const key = (headers['idempotency-key'] as string | undefined) ?? null;
    const failure = failures.find(
      (f) => f.remaining > 0 && (f.path === path || (f.path.endsWith('*') && path.startsWith(f.path.slice(0, -1)))) &&
        (!f.method || f.method === method) && (!f.idempotencyKey || f.idempotencyKey === key) &&
        Object.entries(f.params ?? {}).every(([name, value]) => params[name] === value),
    );
    const simulatedFailure = () => new StripeApiError(failure!.status, { type: 'api_error', message: 'Simulated failure (stripe fake /__fail).' });
    if (failure) failure.remaining--;
    if (failure && !failure.afterProcessing) throw simulatedFailure();
    const route = routes.find(([m, pattern]) => m === method && pattern.test(path));
    if (!route) throw new StripeApiError(404, { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path}).` });
    // Stripe scopes idempotency keys to the account; only POSTs are idempotent.
    const scope = method === 'POST' && key ? `${stripeAccount ?? ''}|${key}` : null;
    const print = fingerprint({ method, path, params });
    if (scope) {
      const saved = idempotency.get(scope);
      if (saved && saved.fingerprint !== print) {
        throw new StripeApiError(400, {
          type: 'idempotency_error',
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        });
      }
      if (saved) return { status: saved.status, body: saved.body, replayed: true };
    }
    const body = route[2](params, path.match(route[1])!, stripeAccount);
    if (scope) idempotency.set(scope, { fingerprint: print, status: 200, body });
    if (failure) throw simulatedFailure();
    return { status: 200, body, replayed: false };
  }

  // ---- test controls -------------------------------------------------------------------------------------------

  function control(method: string, path: string, query: URLSearchParams, body: Json): Json | null {
    let m: RegExpMatchArray | null;
    if (method === 'GET' && path === '/__requests') {
      return {
        data: requests.filter(
          (r) => (!query.get('path') || r.path === query.get('path')) && (!query.get('method') || r.method === query.get('method')) &&
            (!query.get('idempotency_key') || r.idempotency_key === query.get('idempotency_key')),
        ),
      };
    }
    if (method === 'GET' && path === '/__events') return { data: events.filter((e) => !query.get('type') || e.type === query.get('type')) };
    if (method === 'GET' && path === '/__totals') {
      const group = query.get('transfer_group');
      if (!group) return { ...totals };
      // The same figures for one transfer group (one task), so tests running in parallel do not see each other.
      const groupCharges = [...charges.values()].filter((c) => c.transfer_group === group);
      const ids = new Set(groupCharges.map((c) => c.id));
      return {
        collected: groupCharges.reduce((sum, c) => sum + c.amount, 0),
        refunded: refunds.filter((r) => ids.has(r.charge) && r.status !== 'failed').reduce((sum, r) => sum + r.amount, 0),
        transferred: transfers.filter((t) => t.transfer_group === group).reduce((sum, t) => sum + t.amount, 0),
      };
    }
    if (method === 'POST' && path === '/__fail') {
      failures.push({
        path: body.path,
        method: body.method,
        idempotencyKey: body.idempotency_key,
        params: body.params,
        remaining: body.count ?? 1,
        status: body.status ?? 500,
        afterProcessing: body.after_processing === true,
      });
      return { ok: true };
    }
    if (method === 'POST' && path === '/__idempotency/forget') {
      for (const scope of [...idempotency.keys()]) if (scope.endsWith(`|${body.key}`)) idempotency.delete(scope);
      return { ok: true };
    }
    if (method === 'POST' && (m = path.match(/^\/__pay\/([^/]+)$/))) return { event: pay(m[1]!, body.async === true) };
    if (method === 'POST' && (m = path.match(/^\/__async\/([^/]+)$/))) return { event: settleAsync(m[1]!, body.outcome) };
    if (method === 'POST' && (m = path.match(/^\/__expire\/([^/]+)$/))) {
      expireSession(m[1]!);
      return { event: events.at(-1) };
    }
    if (method === 'POST' && (m = path.match(/^\/__accounts\/([^/]+)$/))) return { event: updateAccountByStripe(m[1]!, body) };
    if (method === 'POST' && (m = path.match(/^\/__refunds\/([^/]+)\/fail$/))) {
      return { events: failRefund(m[1]!, body.failure_reason ?? 'expired_or_canceled_card') };
    }
    return null;
  }

  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://stripe-fake');
    const method = req.method ?? 'GET';
    const send = (status: number, body: Json, headers: Record<string, string> = {}) =>
      res.writeHead(status, { 'Content-Type': 'application/json', 'Request-Id': newId('req', 14), ...headers }).end(JSON.stringify(body));

    if (url.pathname.startsWith('/__')) {
      try {
        const result = control(method, url.pathname, url.searchParams, raw ? JSON.parse(raw) : {});
        return result ? send(200, result) : send(404, { error: `no control ${method} ${url.pathname}` });
      } catch (err) {
        return send(err instanceof StripeApiError ? err.status : 500, { error: err instanceof Error ? err.message : String(err) });
      }
    }

    const params = parseStripeForm(method === 'GET' || method === 'DELETE' ? url.search.slice(1) : raw);
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      params,
      idempotency_key: (req.headers['idempotency-key'] as string | undefined) ?? null,
      stripe_account: (req.headers['stripe-account'] as string | undefined) ?? null,
      stripe_version: (req.headers['stripe-version'] as string | undefined) ?? null,
      status: 0,
      replayed: false,
    };
    requests.push(record);
    const echo: Record<string, string> = {};
    if (record.idempotency_key) echo['Idempotency-Key'] = record.idempotency_key;
    if (record.stripe_version) echo['Stripe-Version'] = record.stripe_version;
    try {
      const result = callApi(method, url.pathname, params, req.headers);
      record.status = result.status;
      record.replayed = result.replayed;
      send(result.status, result.body, result.replayed ? { ...echo, 'Idempotent-Replayed': 'true' } : echo);
    } catch (err) {
      const status = err instanceof StripeApiError ? err.status : 500;
      const body = err instanceof StripeApiError ? err.body : { type: 'api_error', message: String(err) };
      record.status = status;
      send(status, { error: { ...body, request_log_url: null, doc_url: body.code ? `https://docs.stripe.com/error-codes/${body.code.replaceAll('_', '-')}` : undefined } }, echo);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
