import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
};

export const userRole = pgEnum('user_role', ['ai_client', 'client', 'professional', 'admin']);

export const users = pgTable(
  'users',
  {
    id: text('id').primaryKey(),
    // Stored trimmed and lower-cased; the unique index is the EMAIL_TAKEN guard.
    email: text('email').notNull(),
    passwordHash: text('password_hash').notNull(),
    fullName: text('full_name').notNull(),
    role: userRole('role').notNull(),
    // Professional profile; unused for other roles.
    verified: boolean('verified').notNull().default(false),
    ratingSum: integer('rating_sum').notNull().default(0),
    ratingCount: integer('rating_count').notNull().default(0),
    // Stripe Connect (professionals): their Express account and whether Stripe lets it be paid out.
    stripeAccountId: text('stripe_account_id'),
    payoutsEnabled: boolean('payouts_enabled').notNull().default(false),
    // `created` of the newest account.updated applied, so an older event delivered late cannot undo a newer one.
    stripeAccountEventAt: timestamp('stripe_account_event_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('users_email_key').on(t.email),
    index('users_role_idx').on(t.role).where(sql`${t.role} = 'professional'`),
    uniqueIndex('users_stripe_account_id_key').on(t.stripeAccountId),
  ],
);

/*
 * The ledger: double entry, integer cents (USD). The rules that keep it honest live in the database
 * (drizzle/*_ledger_constraints.sql): every transaction's entries sum to zero at commit, entries and
 * transactions are append-only, balance_cents is maintained only by a trigger on entries, and no account but
 * the external Stripe one can go below zero. See src/services/ledger.ts for the accounts and their meaning.
 */
export const ledgerAccountKind = pgEnum('ledger_account_kind', [
  'external_stripe',
  'escrow',
  'available',
  'pending_payout',
  'pending_refund',
  'platform_fees',
]);

export const ledgerAccounts = pgTable(
  'ledger_accounts',
  {
    // Deterministic ("escrow:task_...", "available:usr_..."), so posting can create accounts on first use.
    id: text('id').primaryKey(),
    kind: ledgerAccountKind('kind').notNull(),
    userId: text('user_id').references(() => users.id),
    // No foreign key yet: tasks live on another branch; add it when they meet.
    taskId: text('task_id'),
    balanceCents: bigint('balance_cents', { mode: 'number' }).notNull().default(0),
    ...timestamps,
  },
  (t) => [
    check('ledger_accounts_non_negative', sql`${t.kind} = 'external_stripe' OR ${t.balanceCents} >= 0`),
    index('ledger_accounts_user_idx').on(t.userId, t.kind),
    index('ledger_accounts_task_idx').on(t.taskId),
  ],
);

export const ledgerTransactions = pgTable(
  'ledger_transactions',
  {
    id: text('id').primaryKey(),
    // Names what the transaction settles ("fund:cs_...", "release:task_..."); unique, so nothing posts twice.
    reference: text('reference').notNull(),
    kind: text('kind').notNull(),
    taskId: text('task_id'),
    userId: text('user_id').references(() => users.id),
    memo: text('memo'),
    // Local payments mode: no real money moved.
    simulated: boolean('simulated').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('ledger_transactions_reference_key').on(t.reference), index('ledger_transactions_task_idx').on(t.taskId)],
);

export const ledgerEntries = pgTable(
  'ledger_entries',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    transactionId: text('transaction_id')
      .notNull()
      .references(() => ledgerTransactions.id),
    accountId: text('account_id')
      .notNull()
      .references(() => ledgerAccounts.id),
    // Signed: positive credits the account (its balance grows), negative debits it.
    amountCents: bigint('amount_cents', { mode: 'number' }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    check('ledger_entries_non_zero', sql`${t.amountCents} <> 0`),
    index('ledger_entries_account_idx').on(t.accountId, t.id),
    index('ledger_entries_transaction_idx').on(t.transactionId),
  ],
);

/** Every Stripe event processed, once: the primary key is the at-most-once guard, taken in the effect's transaction. */
export const stripeEvents = pgTable('stripe_events', {
  id: text('id').primaryKey(),
  type: text('type').notNull(),
  objectId: text('object_id'),
  // Connect events name the connected account they concern.
  account: text('account'),
  stripeCreatedAt: timestamp('stripe_created_at', { withTimezone: true, mode: 'date' }).notNull(),
  // applied | ignored | stale (see src/services/payments/stripe-events.ts)
  outcome: text('outcome').notNull(),
  receivedAt: timestamp('received_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
});

export const pendingCallKind = pgEnum('pending_stripe_call_kind', ['refund', 'transfer', 'payout']);
export const pendingCallStatus = pgEnum('pending_stripe_call_status', ['pending', 'succeeded', 'failed']);

/**
 * Outbound Stripe calls that move money. Recorded in the same transaction as their ledger posting, made after
 * commit, retried by the scheduled job until Stripe answers; the idempotency key makes a retry never pay twice.
 */
export const pendingStripeCalls = pgTable(
  'pending_stripe_calls',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    kind: pendingCallKind('kind').notNull(),
    // Derived from what the call settles ("release:task_...", "refund:task_...:cs_..."); sent to Stripe as is.
    idempotencyKey: text('idempotency_key').notNull(),
    // Stripe's own request parameters, exactly as sent.
    params: jsonb('params').$type<Record<string, unknown>>().notNull(),
    // Stripe-Account header (payouts are made on the professional's connected account).
    stripeAccount: text('stripe_account'),
    // The ledger account the money waits in while the call is in flight; settled to Stripe on success.
    holdAccountId: text('hold_account_id').references(() => ledgerAccounts.id),
    amountCents: bigint('amount_cents', { mode: 'number' }).notNull(),
    taskId: text('task_id'),
    userId: text('user_id').references(() => users.id),
    status: pendingCallStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    stripeObjectId: text('stripe_object_id'),
    simulated: boolean('simulated').notNull().default(false),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('pending_stripe_calls_idempotency_key_key').on(t.idempotencyKey),
    index('pending_stripe_calls_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    check('pending_stripe_calls_positive_amount', sql`${t.amountCents} > 0`),
  ],
);
