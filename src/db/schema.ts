import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

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
    ...timestamps,
  },
  (t) => [uniqueIndex('users_email_key').on(t.email), index('users_role_idx').on(t.role).where(sql`${t.role} = 'professional'`)],
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
  },
  (t) => [
    uniqueIndex('api_keys_key_hash_key').on(t.keyHash),
    index('api_keys_user_live_idx').on(t.userId, t.createdAt).where(sql`${t.revokedAt} is null`),
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
