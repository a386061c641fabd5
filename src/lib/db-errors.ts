/**
 * Telling "the database cannot be reached" from every other failure, in one place: toApiError answers the first
 * with 503 SERVICE_UNAVAILABLE (retry later) instead of 500 INTERNAL (our bug), whichever route or middleware met it.
 *
 * What an outage looks like from the Neon WebSocket driver (node-postgres inside): the WebSocket's own error event,
 * passed on as is (an Event, not an Error); "Connection terminated ..." when an open connection drops (with
 * "unexpectedly", or "due to connection timeout" when connecting took too long); "timeout expired" /
 * "timeout exceeded when trying to connect"; a socket error code from a TCP stack; and Postgres itself refusing
 * while it shuts down or starts up, or has no connection slot left (SQLSTATE class 08, connection exception,
 * 57P01..57P03, 53300). drizzle wraps
 * a failed query in an error whose `cause` is the driver's, so the whole cause chain is read. Over HTTP: "Error
 * connecting to database" when the fetch itself fails or times out, and "Server error (HTTP status 502..504)" when
 * the endpoint answers that the database is out of reach.
 */
/** Seconds a client should wait before retrying: a restart or failover of the database takes a few. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/**
 * admin_shutdown, crash_shutdown, cannot_connect_now; and too_many_connections: a server out of connection slots
 * refuses the request for now, which a retry a moment later gets past, so it is the same 503 and not our 500.
 */
const SHUTDOWN_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH']);
const UNREACHABLE =
  /error connecting to database|server error \(http status 50[234]\)|connection terminated|timeout expired|timeout exceeded when trying to connect|websocket|network connection lost|connection refused|connection reset|is not queryable/i;

function isUnreachable(err: unknown): boolean {
  // The driver emits the socket's error event itself; nothing else here throws an Event.
  if (typeof Event !== 'undefined' && err instanceof Event) return true;
  if (typeof err !== 'object' || err === null) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('08') || SHUTDOWN_STATES.has(code) || SOCKET_CODES.has(code))) return true;
  return err instanceof Error && UNREACHABLE.test(err.message);
}

/** `thrown` and the errors it wraps, outermost first (drizzle wraps a failed query around the driver's error). */
function* causeChain(thrown: unknown): Generator<unknown> {
  let err = thrown;
  for (let depth = 0; depth < 5 && err !== undefined && err !== null; depth++) {
    yield err;
    err = (err as { cause?: unknown }).cause;
  }
}

/** True when `thrown`, or anything in its cause chain, says the database is unreachable. */
export function isDatabaseUnavailable(thrown: unknown): boolean {
  for (const err of causeChain(thrown)) if (isUnreachable(err)) return true;
  return false;
}

/**
 * Postgres' data exceptions caused by a value sent, not by our SQL: invalid byte sequence (22021, a NUL in text),
 * unsupported Unicode escape (22P05, \u0000 in jsonb), invalid text representation (22P02), numeric value out of
 * range (22003), string too long (22001), datetime field overflow (22008). Validation refuses these first; this is
 * the backstop, so a field it missed is a 400, not a 500.
 */
const INPUT_SQLSTATES = new Set(['22021', '22P05', '22P02', '22003', '22001', '22008']);

/** The SQLSTATE when `thrown` is Postgres refusing a value the request sent, else undefined. */
export function refusedValueState(thrown: unknown): string | undefined {
  for (const err of causeChain(thrown)) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && INPUT_SQLSTATES.has(code)) return code;
  }
  return undefined;
}

/** The driver's own words, from the innermost cause (drizzle's message is only the query that failed). */
function rootCause(thrown: unknown): string {
  const err = [...causeChain(thrown)].pop();
  if (err instanceof Error) return err.message;
  if (typeof ErrorEvent !== 'undefined' && err instanceof ErrorEvent) return `WebSocket error: ${err.message}`;
  return String(err);
}

/** One line per request that met an outage, under the request id the caller was given with its 503. */
export function logDatabaseUnavailable(requestId: string, thrown: unknown): void {
  console.error(JSON.stringify({ level: 'error', request_id: requestId, message: `database unavailable: ${rootCause(thrown)}` }));
}
