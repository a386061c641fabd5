import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

const timestamps = {
  createdAt: instant('created_at').notNull().defaultNow(),
  updatedAt: instant('updated_at').notNull().defaultNow(),
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
    stripeAccountEventAt: instant('stripe_account_event_at'),
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
 * transactions are append-only, balance_cents is maintained only by a trigger on entries (except on external:stripe
 * and platform:fees, whose balance is the sum of their entries), and no account but the external Stripe one can go
 * below zero. See src/services/ledger.ts for the accounts and their meaning.
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
    taskId: text('task_id').references((): AnyPgColumn => tasks.id),
    balanceCents: bigint('balance_cents', { mode: 'number' }).notNull().default(0),
    // False for the sandbox's test money (ids start with "test:"); a posting never mixes the two (services/ledger.ts).
    livemode: boolean('livemode').notNull().default(true),
    ...timestamps,
  },
  (t) => [
    check('ledger_accounts_non_negative', sql`${t.kind} = 'external_stripe' OR ${t.balanceCents} >= 0`),
    index('ledger_accounts_user_idx').on(t.userId, t.kind),
    check('ledger_accounts_mode_in_id', sql`${t.livemode} = (${t.id} not like 'test:%')`),
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
    taskId: text('task_id').references((): AnyPgColumn => tasks.id),
    userId: text('user_id').references(() => users.id),
    memo: text('memo'),
    // Local payments mode: no real money moved.
    simulated: boolean('simulated').notNull().default(false),
    createdAt: instant('created_at').notNull().defaultNow(),
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
    createdAt: instant('created_at').notNull().defaultNow(),
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
  stripeCreatedAt: instant('stripe_created_at').notNull(),
  // applied | ignored | stale (see src/services/payments/stripe-events.ts)
  outcome: text('outcome').notNull(),
  receivedAt: instant('received_at').notNull().defaultNow(),
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
    taskId: text('task_id').references((): AnyPgColumn => tasks.id),
    userId: text('user_id').references(() => users.id),
    status: pendingCallStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    nextAttemptAt: instant('next_attempt_at').notNull().defaultNow(),
    stripeObjectId: text('stripe_object_id'),
    simulated: boolean('simulated').notNull().default(false),
    // False for the sandbox's test money: always made by local payments, whatever backend runs (services/sandbox).
    livemode: boolean('livemode').notNull().default(true),
    completedAt: instant('completed_at'),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('pending_stripe_calls_idempotency_key_key').on(t.idempotencyKey),
    index('pending_stripe_calls_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    check('pending_stripe_calls_positive_amount', sql`${t.amountCents} > 0`),
  ],
);

/** The seed's six category values, exactly as it spells them. */
export const TASK_CATEGORIES = [
  'business_calls',
  'research_analysis',
  'errands_delivery',
  'writing_translation',
  'data_entry_transcription',
  'property_inspections',
] as const;
export const TASK_STATUSES = ['open', 'in_progress', 'submitted', 'completed', 'canceled', 'disputed'] as const;
export const FUNDING_STATUSES = ['unfunded', 'pending', 'funded', 'released', 'refunded'] as const;

export const taskCategory = pgEnum('task_category', TASK_CATEGORIES);
export const locationType = pgEnum('location_type', ['remote', 'local']);
export const budgetType = pgEnum('budget_type', ['fixed', 'hourly']);
export const taskStatus = pgEnum('task_status', TASK_STATUSES);
export const fundingStatus = pgEnum('funding_status', FUNDING_STATUSES);

export const tasks = pgTable(
  'tasks',
  {
    id: text('id').primaryKey(),
    clientId: text('client_id')
      .notNull()
      .references(() => users.id),
    professionalId: text('professional_id').references(() => users.id),
    title: text('title').notNull(),
    description: text('description').notNull(),
    category: taskCategory('category').notNull(),
    locationType: locationType('location_type').notNull(),
    location: text('location'),
    budgetCents: integer('budget_cents').notNull(),
    budgetType: budgetType('budget_type').notNull(),
    currency: text('currency').notNull().default('usd'),
    deadline: instant('deadline'),
    status: taskStatus('status').notNull().default('open'),
    // Where the task's money stands. Written only by the payments code, in the same transaction as the ledger
    // postings that change it (services/payments/escrow.ts); the amount itself lives in the ledger (escrow:<task>).
    fundingStatus: fundingStatus('funding_status').notNull().default('unfunded'),
    // The API key the task was posted with; null when posted with a JWT. Which agent committed the money.
    createdByApiKeyId: text('created_by_api_key_id').references((): AnyPgColumn => apiKeys.id),
    // Where the task's events are also POSTed (services/webhooks). Never shown in the task object: professionals read
    // tasks too, and such URLs often carry the client's token.
    callbackUrl: text('callback_url'),
    // The client's own key-value pairs, shown back as they were given (metadata.sandbox_outcome steers the sandbox).
    metadata: jsonb('metadata').$type<Record<string, string>>().notNull().default({}),
    // False for a sandbox task, posted with a test API key: seen only by test keys, funded with test money only.
    livemode: boolean('livemode').notNull().default(true),
    // Uploaded files a submission must reference, by kind (services/files/evidence.ts); all zero when none is asked.
    requiredEvidence: jsonb('required_evidence').$type<RequiredEvidence>().notNull().default({ photos: 0, documents: 0, audio: 0 }),
    acceptedAt: instant('accepted_at'),
    submittedAt: instant('submitted_at'),
    completedAt: instant('completed_at'),
    canceledAt: instant('canceled_at'),
    ...timestamps,
  },
  (t) => [
    check('tasks_budget_range', sql`${t.budgetCents} > 0 and ${t.budgetCents} <= 10000000`),
    check('tasks_location_matches_type', sql`(${t.locationType} = 'local') = (${t.location} is not null)`),
    // Lists are newest first (created_at desc, id desc): a btree read backwards gives that order, so no sort.
    // A client's list, with and without a status filter (the total is counted on the same index).
    index('tasks_client_created_idx').on(t.clientId, t.createdAt, t.id),
    index('tasks_client_status_created_idx').on(t.clientId, t.status, t.createdAt, t.id),
    // A professional's assigned tasks, newest first; also counts their completed tasks.
    index('tasks_professional_created_idx')
      .on(t.professionalId, t.createdAt, t.id)
      .where(sql`${t.professionalId} is not null`),
    // The marketplace: only open, funded, unassigned rows are indexed, so the index stays as small as the market.
    index('tasks_marketplace_idx').on(t.createdAt, t.id).where(marketplacePredicate(t)),
    index('tasks_marketplace_category_idx').on(t.category, t.createdAt, t.id).where(marketplacePredicate(t)),
    // Scheduled jobs: open tasks by deadline, submitted tasks by submission time.
    index('tasks_open_deadline_idx').on(t.deadline).where(sql`${t.status} = 'open' and ${t.deadline} is not null`),
    index('tasks_submitted_at_idx').on(t.submittedAt).where(sql`${t.status} = 'submitted'`),
    // The sandbox's cron pass: test tasks still being worked, a small set however many test tasks have ended.
    index('tasks_sandbox_active_idx')
      .on(t.createdAt)
      .where(sql`${t.livemode} = false and ${t.status} in ('open', 'in_progress', 'submitted')`),
    // Tasks an API key posted (audit; and the foreign key's lookups when a key row goes).
    index('tasks_created_by_api_key_idx').on(t.createdByApiKeyId).where(sql`${t.createdByApiKeyId} is not null`),
  ],
);

/**
 * Rows the marketplace shows. Constants are written into the SQL text (not bound as parameters) so the planner
 * can match the partial indexes above whatever plan it picks; the indexes and the queries share this function.
 */
export function marketplacePredicate(t: { status: AnyPgColumn; fundingStatus: AnyPgColumn; professionalId: AnyPgColumn }) {
  return sql`${t.status} = 'open' and ${t.fundingStatus} = 'funded' and ${t.professionalId} is null`;
}

/**
 * A file attached to a submission or a message: a link to elsewhere ({ name, url }), or one of the task's uploaded
 * files, which also carries its id, type and size (url is then the file's content URL on this API).
 */
export interface Attachment {
  name: string;
  url: string;
  file_id?: string;
  content_type?: string;
  size?: number;
}

/** The kinds of evidence files (services/files/media-types.ts maps content types to them). */
export const FILE_KINDS = ['photo', 'document', 'audio'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

/** How many uploaded files of each kind a task's submission must reference. */
export interface RequiredEvidence {
  photos: number;
  documents: number;
  audio: number;
}

/** A professional's delivery for a task (`sub_` ids); the task's `result` is the latest one's text. */
export const submissions = pgTable(
  'submissions',
  {
    id: text('id').primaryKey(),
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id),
    professionalId: text('professional_id')
      .notNull()
      .references(() => users.id),
    text: text('text').notNull(),
    attachments: jsonb('attachments').$type<Attachment[]>().notNull().default([]),
    data: jsonb('data').$type<Record<string, unknown>>(),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [index('submissions_task_idx').on(t.taskId, t.createdAt, t.id)],
);

/** A task's history: one row per transition, written in the same transaction as the status change. */
export const taskEvents = pgTable(
  'task_events',
  {
    id: text('id').primaryKey(),
    // Orders events that share a timestamp; ids are random.
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id),
    type: text('type').notNull(),
    fromStatus: taskStatus('from_status'),
    toStatus: taskStatus('to_status').notNull(),
    // Null for the platform's own moves (deadline expiry, auto-approval).
    actorId: text('actor_id').references(() => users.id),
    note: text('note'),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [index('task_events_task_idx').on(t.taskId, t.seq)],
);

/**
 * A message about a task (`msg_` ids). Every message belongs to one professional's thread with the task's owner:
 * before acceptance each verified professional who asks about a listed task has a private thread; once the task is
 * accepted, the assignee's thread is the task's conversation (services/tasks/messages.ts holds the rules).
 */
export const taskMessages = pgTable(
  'task_messages',
  {
    id: text('id').primaryKey(),
    // Orders messages that share a timestamp (ids are random) and is the cursor's position.
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id),
    // The professional whose thread with the owner this message is in, whoever wrote it.
    threadProfessionalId: text('thread_professional_id')
      .notNull()
      .references(() => users.id),
    authorId: text('author_id')
      .notNull()
      .references(() => users.id),
    text: text('text').notNull(),
    attachments: jsonb('attachments').$type<Attachment[]>().notNull().default([]),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [index('task_messages_task_idx').on(t.taskId, t.seq), index('task_messages_thread_idx').on(t.taskId, t.threadProfessionalId, t.seq)],
);

/**
 * A file uploaded to a task (`file_` ids): its metadata here, its bytes in R2 (the FILES bucket, under
 * files/<id>). Written only after the bytes are stored, so a row always names an object that exists.
 */
export const fileKind = pgEnum('file_kind', FILE_KINDS);

export const taskFiles = pgTable(
  'task_files',
  {
    id: text('id').primaryKey(),
    // Orders files that share a timestamp (ids are random).
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id),
    uploadedBy: text('uploaded_by')
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    contentType: text('content_type').notNull(),
    kind: fileKind('kind').notNull(),
    sizeBytes: integer('size_bytes').notNull(),
    // Hex SHA-256 of the bytes, computed on upload (R2 checks the bytes it stores against it).
    sha256: text('sha256').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [index('task_files_task_idx').on(t.taskId, t.seq), check('task_files_size_positive', sql`${t.sizeBytes} > 0`)],
);

/** The client's rating of a completed task; one per task, and it feeds users.rating_sum/rating_count. */
export const reviews = pgTable(
  'reviews',
  {
    taskId: text('task_id')
      .primaryKey()
      .references(() => tasks.id),
    professionalId: text('professional_id')
      .notNull()
      .references(() => users.id),
    clientId: text('client_id')
      .notNull()
      .references(() => users.id),
    rating: smallint('rating').notNull(),
    review: text('review'),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [check('reviews_rating_range', sql`${t.rating} between 1 and 5`)],
);

/**
 * Answers kept for Idempotency-Key retries. A row is written in the same transaction as the action it answers for,
 * so a key either has its final answer here or never acted; requests still running hold an advisory lock instead
 * (src/services/idempotency.ts).
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    fingerprint: text('fingerprint').notNull(),
    responseStatus: integer('response_status').notNull(),
    responseBody: text('response_body').notNull(),
    responseContentType: text('response_content_type').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] }), index('idempotency_keys_created_idx').on(t.createdAt)],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    // The key's first characters ("ghh_AbCd1234"), shown in listings so a person can tell keys apart.
    prefix: text('prefix').notNull(),
    // Hex SHA-256 of the whole key; the key itself is never stored. Unique: the lookup is one index probe.
    keyHash: text('key_hash').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
    // Set on revocation; revoked rows stay for audit but no longer authenticate.
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    // Spending limits of calls made with this key (null: none). See services/spending-limits.ts.
    maxTaskCents: integer('max_task_cents'),
    dailyLimitCents: integer('daily_limit_cents'),
    // False for a test key (`ghh_test_...`): its calls act in the sandbox (docs/sandbox.md).
    livemode: boolean('livemode').notNull().default(true),
  },
  (t) => [
    uniqueIndex('api_keys_key_hash_key').on(t.keyHash),
    index('api_keys_user_live_idx').on(t.userId, t.createdAt).where(sql`${t.revokedAt} is null`),
    check('api_keys_max_task_positive', sql`${t.maxTaskCents} is null or ${t.maxTaskCents} > 0`),
    check('api_keys_daily_limit_positive', sql`${t.dailyLimitCents} is null or ${t.dailyLimitCents} > 0`),
  ],
);

export const SPEND_KINDS = ['task', 'funding'] as const;
export const apiKeySpendKind = pgEnum('api_key_spend_kind', SPEND_KINDS);

/**
 * What each API key committed, append-only: a task's budget when the key posts it, a checkout's amount when the key
 * funds one. Written under the key's row lock in the same transaction as the task or checkout, so the daily limit
 * is checked against every earlier commitment (services/spending-limits.ts).
 */
export const apiKeySpend = pgTable(
  'api_key_spend',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    apiKeyId: text('api_key_id')
      .notNull()
      .references(() => apiKeys.id, { onDelete: 'cascade' }),
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id),
    kind: apiKeySpendKind('kind').notNull(),
    amountCents: integer('amount_cents').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [
    check('api_key_spend_positive', sql`${t.amountCents} > 0`),
    // The trailing-24-hours sum reads one key's newest rows.
    index('api_key_spend_key_created_idx').on(t.apiKeyId, t.createdAt),
  ],
);

/**
 * Fixed-window counters for rate limits, shared by every isolate. One row per bucket (e.g. failed logins for
 * one email) and window; `expires_at` is the window's end, used for Retry-After and by the cleanup job.
 */
export const rateLimitCounters = pgTable(
  'rate_limit_counters',
  {
    bucket: text('bucket').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true, mode: 'date' }).notNull(),
    count: integer('count').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.bucket, t.windowStart] }), index('rate_limit_counters_expires_idx').on(t.expiresAt)],
);

export const CHECKOUT_STATUSES = ['pending', 'paid', 'expired', 'failed'] as const;
export const checkoutStatus = pgEnum('checkout_status', CHECKOUT_STATUSES);

/**
 * A Stripe Checkout Session opened to fund a task (`chk_` ids). Inserted once Stripe has created the session, in a
 * transaction that holds the task's row lock; settled by the checkout.session.* webhooks under the same lock.
 * Status only moves forward: pending -> paid | expired | failed (a payment Stripe reports always wins).
 */
export const checkouts = pgTable(
  'checkouts',
  {
    id: text('id').primaryKey(),
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id),
    clientId: text('client_id')
      .notNull()
      .references(() => users.id),
    // What the client asked to pay.
    amountCents: integer('amount_cents').notNull(),
    currency: text('currency').notNull().default('usd'),
    stripeSessionId: text('stripe_session_id').notNull(),
    status: checkoutStatus('status').notNull().default('pending'),
    url: text('url').notNull(),
    expiresAt: instant('expires_at').notNull(),
    // Set from the webhooks: the payment, its charge (a transfer's source_transaction) and what Stripe collected.
    paymentIntentId: text('payment_intent_id'),
    chargeId: text('charge_id'),
    paidCents: integer('paid_cents'),
    paidAt: instant('paid_at'),
    // Local payments mode: no real money moved.
    simulated: boolean('simulated').notNull().default(false),
    // The task's mode: a test task's checkouts are local and paid by the sandbox.
    livemode: boolean('livemode').notNull().default(true),
    ...timestamps,
  },
  (t) => [
    uniqueIndex('checkouts_stripe_session_id_key').on(t.stripeSessionId),
    index('checkouts_task_idx').on(t.taskId, t.status),
    check('checkouts_amount_positive', sql`${t.amountCents} > 0`),
  ],
);

/**
 * Event webhooks (services/webhooks). A client's receiver of task events (`whe_` ids). Deleting one stamps
 * deleted_at: its pending deliveries are canceled and its attempt history stays for audit.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    // Event types it subscribes to (services/webhooks/event-types.ts); text, so a new type needs no migration.
    events: text('events').array().notNull(),
    description: text('description'),
    // Sealed, not hashed: every delivery is signed with it (services/webhooks/secret-box.ts). `whsec_...` rows predate sealing.
    secret: text('secret').notNull(),
    // After a roll, the replaced secret also signs deliveries until it expires, so receivers can switch without a gap.
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: instant('previous_secret_expires_at'),
    // Per mode, as Stripe's: made with a test key, it receives test tasks' events only; otherwise live ones only.
    livemode: boolean('livemode').notNull().default(true),
    createdAt: instant('created_at').notNull().defaultNow(),
    deletedAt: instant('deleted_at'),
  },
  (t) => [index('webhook_endpoints_user_live_idx').on(t.userId, t.createdAt, t.id).where(sql`${t.deletedAt} is null`)],
);

/** The account's secret for signing deliveries to its tasks' callback_url; made the first time one is needed. */
export const callbackSecrets = pgTable('callback_secrets', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  secret: text('secret').notNull(),
  // As on webhook_endpoints: the secret a roll replaced, still signing until it expires.
  previousSecret: text('previous_secret'),
  previousSecretExpiresAt: instant('previous_secret_expires_at'),
  createdAt: instant('created_at').notNull().defaultNow(),
});

/**
 * The outbox: one row per event that has at least one receiver, written in the transaction of the change it
 * announces. `body` is the exact JSON every receiver gets; each attempt signs it anew.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: text('id').primaryKey(),
    type: text('type').notNull(),
    taskId: text('task_id')
      .notNull()
      .references(() => tasks.id),
    // The client the event belongs to (the task's owner).
    userId: text('user_id')
      .notNull()
      .references(() => users.id),
    body: text('body').notNull(),
    createdAt: instant('created_at').notNull().defaultNow(),
  },
  (t) => [index('webhook_events_task_idx').on(t.taskId)],
);

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'dead', 'canceled'] as const;
export const webhookDeliveryStatus = pgEnum('webhook_delivery_status', WEBHOOK_DELIVERY_STATUSES);

/**
 * One event on its way to one receiver (`del_` ids): an endpoint, or the task's callback_url (endpoint_id null).
 * Queue messages carry only this id; the row decides whether an attempt is due, so a duplicate message is harmless.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    eventId: text('event_id')
      .notNull()
      .references(() => webhookEvents.id),
    endpointId: text('endpoint_id').references(() => webhookEndpoints.id),
    url: text('url').notNull(),
    status: webhookDeliveryStatus('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: instant('next_attempt_at').notNull().defaultNow(),
    // When a queue message was last sent for it; the cron sends another when nothing happened long after this.
    enqueuedAt: instant('enqueued_at').notNull().defaultNow(),
    // Held while an attempt runs, so two copies of one message never POST at the same time.
    lockedUntil: instant('locked_until'),
    deliveredAt: instant('delivered_at'),
    // Set on a delivery a client asked for again (redeliver): the one it repeats. Same event, attempts counted anew.
    redeliveryOf: text('redelivery_of').references((): AnyPgColumn => webhookDeliveries.id),
    ...timestamps,
  },
  (t) => [
    index('webhook_deliveries_event_idx').on(t.eventId),
    // One event is on its way to one endpoint at most once at a time, however many redeliveries are asked for at once.
    uniqueIndex('webhook_deliveries_one_pending_key').on(t.eventId, t.endpointId).where(sql`${t.status} = 'pending'`),
    index('webhook_deliveries_endpoint_idx').on(t.endpointId).where(sql`${t.status} = 'pending'`),
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
  ],
);

export const WEBHOOK_ATTEMPT_OUTCOMES = ['delivered', 'failed', 'dead'] as const;
export const webhookAttemptOutcome = pgEnum('webhook_attempt_outcome', WEBHOOK_ATTEMPT_OUTCOMES);

/** Every POST made for a delivery: what the receiver answered, or why there was no answer, and what came next. */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    deliveryId: text('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id),
    // Copied from the delivery, so an endpoint's attempts are one index range, newest first.
    endpointId: text('endpoint_id').references(() => webhookEndpoints.id),
    attempt: integer('attempt').notNull(),
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
    // delivered (2xx), failed (retried at next_attempt_at) or dead (no retry left, or an address never allowed).
    outcome: webhookAttemptOutcome('outcome').notNull(),
    nextAttemptAt: instant('next_attempt_at'),
    attemptedAt: instant('attempted_at').notNull(),
  },
  (t) => [
    uniqueIndex('webhook_attempts_delivery_attempt_key').on(t.deliveryId, t.attempt),
    index('webhook_attempts_endpoint_idx').on(t.endpointId, t.attemptedAt, t.id),
  ],
);
