/**
 * A task read with its reader checked in the same statement: the hot read (GET /api/v1/tasks/{id}) is one round trip
 * whatever the credential. The reader is the account a verified token names, or the live API key presented (by its
 * hash), which the same statement stamps last_used_at on as the key lookup does (at most once a minute).
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { apiKeys, tasks, users } from '../schema';
import { toView, viewColumns, type TaskView } from './tasks';

export type ReaderRef = { kind: 'account'; userId: string } | { kind: 'api_key'; keyHash: string };

export interface Reader {
  userId: string;
  role: (typeof users.$inferSelect)['role'];
  verified: boolean;
  /** The API key read with, when it was one. */
  keyId: string | null;
  /** False when read with a test key (the sandbox); an account read is live. */
  livemode: boolean;
}

/**
 * The reader: the account a verified token names, or the live API key presented, by placeholders (`userId`, or
 * `keyHash`) so that the statement is built once.
 */
function readerCte(db: Db, kind: ReaderRef['kind']) {
  const columns = {
    userId: sql<string>`${users.id}`.as('reader_user_id'),
    role: sql<Reader['role']>`${users.role}`.as('reader_role'),
    verified: sql<boolean>`${users.verified}`.as('reader_verified'),
  };
  if (kind === 'account') {
    return db.$with('reader').as(
      db
        .select({ ...columns, keyId: sql<string | null>`null::text`.as('reader_key_id'), livemode: sql<boolean>`true`.as('reader_livemode') })
        .from(users)
        .where(eq(users.id, sql.placeholder('userId'))),
    );
  }
  return db.$with('reader').as(
    db
      .select({
        ...columns,
        keyId: sql<string | null>`${apiKeys.id}`.as('reader_key_id'),
        livemode: sql<boolean>`${apiKeys.livemode}`.as('reader_livemode'),
      })
      .from(apiKeys)
      .innerJoin(users, eq(users.id, apiKeys.userId))
      .where(and(eq(apiKeys.keyHash, sql.placeholder('keyHash')), isNull(apiKeys.revokedAt))),
  );
}

function taskWithReaderStatement(db: Db, kind: ReaderRef['kind']) {
  const reader = readerCte(db, kind);
  // Data-modifying CTEs run whether or not they are referenced; this one only for a key, and only when it is due.
  const touched = db.$with('touched', { id: sql<string>`id` }).as(
    kind === 'api_key'
      ? sql`update ${apiKeys} set last_used_at = now()
            where id = (select reader_key_id from reader)
              and (last_used_at is null or last_used_at < now() - interval '1 minute')
            returning id`
      : sql`select null::text as id where false`,
  );
  return db
    .with(reader, touched)
    .select({
      reader: { userId: reader.userId, role: reader.role, verified: reader.verified, keyId: reader.keyId, livemode: reader.livemode },
      ...viewColumns,
    })
    .from(reader)
    .leftJoin(tasks, eq(tasks.id, sql.placeholder('taskId')))
    .leftJoin(users, eq(users.id, tasks.professionalId))
    .limit(1)
    .prepare(`task_with_${kind}_reader`);
}

/**
 * The hot read's two statements, built once per database session (the isolate's shared one, in practice): building
 * this statement with drizzle cost more CPU than sending it and reading its answer.
 */
const prepared = new WeakMap<object, Record<ReaderRef['kind'], ReturnType<typeof taskWithReaderStatement>>>();

function statementsFor(db: Db) {
  let statements = prepared.get(db._.session);
  if (!statements) {
    statements = { account: taskWithReaderStatement(db, 'account'), api_key: taskWithReaderStatement(db, 'api_key') };
    prepared.set(db._.session, statements);
  }
  return statements;
}

/** The reader (null: no such account, or no such live key) and the task (null: no task by that id). */
export async function findTaskViewWithReader(
  db: Db,
  ref: ReaderRef,
  taskId: string,
): Promise<{ reader: Reader | null; view: TaskView | null }> {
  const statement = statementsFor(db)[ref.kind];
  const [row] = await statement.execute(ref.kind === 'account' ? { userId: ref.userId, taskId } : { keyHash: ref.keyHash, taskId });
  if (!row) return { reader: null, view: null };
  const { task, escrowCents, professional, deliverables } = row;
  return { reader: row.reader, view: task ? toView({ task, escrowCents, professional, deliverables }) : null };
}
