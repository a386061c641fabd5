/**
 * Neon's SQL-over-HTTP endpoint for a plain local Postgres: what the Neon driver's `neon()` query function posts to
 * (`POST /sql`, one statement, or a batch run as one non-interactive transaction), answered from a pool of
 * persistent connections. Production reaches Neon's own endpoint; local development and the tests reach this one
 * through the same driver code (src/db/client.ts), so the Worker runs one database path everywhere.
 *
 * The wire format is the one the driver (v1) reads: headers Neon-Connection-String, Neon-Array-Mode and
 * Neon-Raw-Text-Output (always sent: values travel as Postgres' text and the driver parses them), the
 * Neon-Batch-* options for batches; answers { command, rowCount, rows, fields } (or { results: [...] } for a batch),
 * a Postgres error as 400 with its fields (code, detail, constraint, ...), and an unreachable database as 503.
 *
 * `GET /stats?param=<value>[&param=<value>...]` counts the statements served, and those among the recent ones that
 * carried every parameter named: how the benchmark states statements per route, and how a test sees which
 * statements a request made.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import pg from 'pg';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);
/** The fields of a Postgres error the driver copies onto the error it throws (its `hi` list). */
const ERROR_FIELDS = [
  'severity', 'code', 'detail', 'hint', 'position', 'internalPosition', 'internalQuery', 'where', 'schema', 'table',
  'column', 'dataType', 'constraint', 'file', 'line', 'routine',
] as const;
const ISOLATION_LEVELS: Record<string, string> = {
  ReadUncommitted: 'read uncommitted',
  ReadCommitted: 'read committed',
  RepeatableRead: 'repeatable read',
  Serializable: 'serializable',
};
/** Every value comes back as the text Postgres sent: the driver applies its own type parsers, as against Neon. */
const RAW_TEXT = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

interface Statement {
  query: string;
  params?: unknown[];
}

class BadRequest extends Error {}

export interface SqlOverHttp {
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  stats: (req: IncomingMessage, res: ServerResponse) => void;
  close: () => Promise<void>;
}

export function sqlOverHttp(): SqlOverHttp {
  // One pool per database: a test run's database, the dev database. Connections stay open between requests.
  const pools = new Map<string, pg.Pool>();
  const poolFor = (connectionString: string): pg.Pool => {
    let pool = pools.get(connectionString);
    if (!pool) {
      pool = new pg.Pool({ connectionString, max: 20, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 5_000 });
      // A connection that drops while idle is replaced on next use; the error must not take the process down.
      pool.on('error', () => undefined);
      pools.set(connectionString, pool);
    }
    return pool;
  };

  let served = 0;
  // The parameters of recent statements, for /stats?param=: bounded, a long dev session must not grow it forever.
  const recentParams: unknown[][] = [];
  const run = async (client: pg.PoolClient, statement: Statement) => {
    served++;
    recentParams.push(statement.params ?? []);
    if (recentParams.length > 10_000) recentParams.shift();
    const result = await client.query({ text: statement.query, values: statement.params ?? [], rowMode: 'array', types: RAW_TEXT });
    return {
      command: result.command,
      rowCount: result.rowCount,
      rows: result.rows,
      fields: result.fields,
      rowAsArray: true,
    };
  };

  const answer = async (req: IncomingMessage, body: unknown) => {
    const connectionString = req.headers['neon-connection-string'];
    if (typeof connectionString !== 'string') throw new BadRequest('Neon-Connection-String header is required');
    if (!LOOPBACK_HOSTS.has(new URL(connectionString).hostname)) throw new BadRequest('only loopback databases are served');
    const client = await poolFor(connectionString).connect();
    let healthy = true;
    try {
      const batch = (body as { queries?: Statement[] }).queries;
      if (!Array.isArray(batch)) return await run(client, body as Statement);
      const isolation = ISOLATION_LEVELS[String(req.headers['neon-batch-isolation-level'] ?? 'ReadCommitted')];
      if (!isolation) throw new BadRequest('unknown Neon-Batch-Isolation-Level');
      const readOnly = req.headers['neon-batch-read-only'] === 'true' ? ' read only' : '';
      const deferrable = req.headers['neon-batch-deferrable'] === 'true' ? ' deferrable' : '';
      await client.query(`begin isolation level ${isolation}${readOnly}${deferrable}`);
      try {
        const results = [];
        for (const statement of batch) results.push(await run(client, statement));
        await client.query('commit');
        return { results };
      } catch (err) {
        await client.query('rollback').catch(() => (healthy = false));
        throw err;
      }
    } catch (err) {
      if (!(err instanceof pg.DatabaseError)) healthy = false;
      throw err;
    } finally {
      client.release(!healthy);
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const send = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
      };
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        send(400, { message: 'request body is not JSON' });
        return;
      }
      answer(req, body).then(
        (result) => send(200, result),
        (err: unknown) => {
          if (err instanceof pg.DatabaseError) {
            const fields = Object.fromEntries(ERROR_FIELDS.map((name) => [name, err[name]]));
            send(400, { message: err.message, ...fields });
          } else if (err instanceof BadRequest) {
            send(400, { message: err.message });
          } else {
            // The database could not be reached (refused, reset, timed out): the driver reports the status and text.
            send(503, { message: `database unavailable: ${err instanceof Error ? err.message : String(err)}` });
          }
        },
      );
    });
  };

  const stats = (req: IncomingMessage, res: ServerResponse): void => {
    const wanted = new URL(req.url ?? '/', 'http://relay').searchParams.getAll('param');
    const withParam = wanted.length === 0 ? 0 : recentParams.filter((params) => wanted.every((value) => params.includes(value))).length;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ statements: served, with_param: withParam }));
  };

  return {
    handle,
    stats,
    close: async () => {
      await Promise.all([...pools.values()].map((pool) => pool.end()));
      pools.clear();
    },
  };
}
