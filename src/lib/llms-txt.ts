/**
 * /llms.txt: the API explained in plain text for a language model that has to use it (the llmstxt.org layout: a
 * title, a one-paragraph summary, then sections). Lists that exist in code (categories, statuses, MCP tools,
 * event types, error codes) are passed in from where the API itself reads them, so this page cannot drift from the API.
 */
import type { TaskStatus } from '../db/queries/tasks';

export interface LlmsTxtInput {
  origin: string;
  categories: readonly { category: string; description: string }[];
  statuses: readonly TaskStatus[];
  tools: readonly { name: string; description: string }[];
  errors: Readonly<Record<string, number>>;
  eventTypes: readonly string[];
  waitDefaultSeconds: number;
  waitMaxSeconds: number;
  /** This deployment's settings, so the numbers quoted are the ones that apply. */
  platformFeePercent: number;
  autoApproveDays: number;
  tokenTtlSeconds: number;
  /** metadata.sandbox_outcome values and what the sandbox professional does for each. */
  sandboxOutcomes: Readonly<Record<string, string>>;
}

const statusMeaning = (input: LlmsTxtInput): Record<TaskStatus, string> => ({
  open: 'posted; listed for verified professionals once funded; the owner may cancel it (escrow refunded)',
  in_progress: 'a professional accepted it and is working (also after a revision request)',
  submitted: 'work delivered: `result` holds the latest text, `deliverables` every submission; approve it or request a revision',
  completed: `approved (by the owner, by the platform after ${input.autoApproveDays} days without review, or by an admin); escrow released to the professional`,
  canceled: 'withdrawn by the owner, past its deadline while open, or refunded by an admin; escrow refunded',
  disputed: 'the owner or the professional disputed it; an admin resolves it (release or refund)',
});

export function renderLlmsTxt(input: LlmsTxtInput): string {
  const { origin } = input;
  const meaning = statusMeaning(input);
  return `# GoHireHumans API

> GoHireHumans lets AI agents hire verified human professionals for work that needs a person: phone calls, errands, in-person inspections, research, writing, transcription. An agent posts a task, funds it into escrow through Stripe Checkout, waits for a professional to deliver, reads the result and approves it, which pays the professional.

Base URL: ${origin}. JSON in and out, snake_case fields. Money is US dollars as a JSON number with at most 2 decimals (at most 100000 per task). Times are ISO 8601 UTC (2026-03-10T17:00:00Z). Lists return { data, total, total_capped, limit, offset, has_more } with limit 1..100 (default 20) and offset >= 0; has_more is exact, while lists of tasks count total only up to 1000 (total_capped: true means there are more). To walk GET /api/v1/tasks, GET /api/v1/marketplace/tasks, GET /api/v1/payments/transactions or a webhook deliveries list without repeating or skipping rows added meanwhile, pass starting_after=<the id of the last item of the previous page> instead of offset (400 if that id is not in the list). Production answers HTTPS requests only.

## Authentication

Two kinds of credential; send one per request.

- Access token (JWT): POST /auth/register { "email", "password" (8..128 characters), "full_name", "role": "ai_client" } (role "client" for a person), then POST /auth/login { "email", "password" } -> { "access_token", "token_type": "bearer", "expires_in" }. Send "Authorization: Bearer <access_token>". Tokens expire after ${input.tokenTtlSeconds} seconds: log in again.
- API key (best for agents): signed in, POST /api/v1/api-keys { "name", "max_task_amount"?, "daily_limit"?, "mode"? ("live" default, or "test": see Sandbox) } -> { "key": "ghh_..." } (a test key is "ghh_test_..."), shown once. Send "Authorization: Bearer ghh_..." or "X-API-Key: ghh_...". Keys do not expire; revoke with DELETE /api/v1/api-keys/{id}. The optional limits (USD) bound what calls made with the key may commit: over them, 403 SPENDING_LIMIT.
- GET /auth/me shows the account and its available balance.

## Workflow

1. GET /api/v1/categories (no sign-in): pick a category.
2. POST /api/v1/tasks { "title", "description", "category", "location_type": "remote" | "local", "location" (required when local), "budget_amount", "budget_type": "fixed" | "hourly", "deadline"?, "required_evidence"? } -> 201, the task: status open, funding.status unfunded.
   To know the cost first, without creating anything: POST /api/v1/tasks/quote with the same body plus "funding_amount"? (what you mean to fund; default budget_amount), or POST /api/v1/tasks?dry_run=true -> 200 { "object": "quote", "valid", "errors": [ { "code", "path", "message" } ], "total_to_fund", "platform_fee", "professional_receives", "returned_to_balance_on_release", ... }. Invalid fields, the funding rules and your API key's spending limits are listed in errors (valid false) instead of failing; a body that is not JSON is still 400.
3. Fund it: POST /api/v1/payments/checkout { "task_id", "amount", "success_url", "cancel_url" } -> 201 { "checkout_url", "expires_at", ... }. Whoever pays opens checkout_url (Stripe Checkout). Once paid, the task's funding.status is funded and verified professionals see it.
   With an available balance (money owed to you, e.g. a card refund that failed: GET /api/v1/payments/balance), POST /api/v1/tasks/{id}/fund-from-balance { "amount" } funds the task at once instead; a later refund puts it back in the balance.
4. A verified professional accepts it (status in_progress) and submits the work (status submitted; result holds the text, deliverables every submission with attachments and data).
5. Wait instead of polling: GET /api/v1/tasks/{id}/wait?until=submitted,completed,canceled,disputed&timeout=${input.waitDefaultSeconds} answers as soon as the task is in one of those statuses (at once if it already is), or after timeout seconds (1..${input.waitMaxSeconds}, default ${input.waitDefaultSeconds}), with the task object. Header X-Wait-Timed-Out: false when the status was reached, true when time ran out (call it again). Without until it answers on any change of status. GET /api/v1/tasks/{id} reads the task at any time.
6. Review the result, then one of:
   - POST /api/v1/tasks/{id}/approve { "rating"? (1..5), "review"? }: completed; the escrow is released to the professional (less the ${input.platformFeePercent}% platform fee); a fixed-price task pays its budget_amount, and what was funded above it returns to your available_balance.
   - POST /api/v1/tasks/{id}/request-revision { "reason" }: back to in_progress; the professional submits again.
   - POST /api/v1/tasks/{id}/dispute { "reason" }: disputed; an admin resolves it by releasing or refunding the escrow.
   An open task nobody accepted can be withdrawn: POST /api/v1/tasks/{id}/cancel (escrow refunded).

Messages: POST /api/v1/tasks/{id}/messages { "text" (1..5000), "attachments"? [{ "name", "url" (https) }] (<= 10), "professional_id"? } -> 201 { "id": "msg_...", "task_id", "professional_id", "author": { "id", "name", "role" }, "text", "attachments", "created_at" }; GET /api/v1/tasks/{id}/messages lists them oldest first (starting_after=<last message id> to walk on). The owner and the assigned professional talk in one conversation. Before acceptance a verified professional may ask about a listed task in a thread private to them and the owner; answer by naming it with professional_id (required while the task is unassigned and more than one professional has asked). After acceptance other threads are read-only. Open, in_progress, submitted and disputed tasks take messages; completed and canceled ones answer 409 INVALID_STATE. The wait also answers when someone else writes you a message (header X-Wait-Reason: status | message | timeout; X-Wait-Timed-Out stays true unless the status was reached).
Files: POST /api/v1/tasks/{id}/files as multipart/form-data with one part "file" (at most 10 MiB; png, jpeg, webp, heic, pdf, plain text, csv, markdown, mpeg, wav, m4a, ogg, webm audio; the bytes must match the type, else 415 UNSUPPORTED_MEDIA_TYPE) -> 201 { "id": "file_...", "object": "file", "task_id", "name", "content_type", "kind": "photo" | "document" | "audio", "size", "sha256", "uploaded_by", "created_at", "url", "url_expires_at" }. The owner and the assigned professional upload; whoever can read the task lists (GET /api/v1/tasks/{id}/files) and reads them (GET /api/v1/files/{id}); url is a signed download link that needs no credentials for one hour (GET /api/v1/files/{id}/content with credentials works any time). Attach an uploaded file to a message or a submission as { "file_id": "file_..." }. Post a task with "required_evidence": { "photos"?, "documents"?, "audio"? } (0..20 each) and its submission must attach that many uploaded files of each kind (else 409 EVIDENCE_REQUIRED); the deliverable's attachments then carry file_id, content_type and size.
Other reads: GET /api/v1/tasks (your tasks; filters status, category), GET /api/v1/tasks/{id}/events (history), GET /api/v1/payments/balance, GET /api/v1/payments/transactions.
Retries: send an "Idempotency-Key" header (1..255 characters) on POSTs under /api/v1; the same key and body within 24 hours returns the first answer and does nothing again.

## Sandbox

Run a whole integration in CI with no person and no real money: make a test key (POST /api/v1/api-keys { "name", "mode": "test" } -> "ghh_test_..."; the key object shows "livemode": false) and use it for everything, REST and MCP alike. A test key's tasks are test tasks ("livemode": false in the task object): a live caller (an access token or a live key) never sees them (404, absent from lists and the marketplace), and a test key never sees live tasks; the same holds for their messages, events, checkouts, webhook deliveries, webhook endpoints made with the key, balances and transactions. Fund a test task as usual with POST /api/v1/payments/checkout (or fund_task): the sandbox pays that checkout within a second with test money, nothing to open; the balance and transactions read with the test key show test money only. Once funded, a simulated professional ("Sandbox P.", id usr_sandbox) works the task within seconds, through the same rules, events, webhooks, callbacks and wait wake-ups as a real one. Choose what it does with metadata { "sandbox_outcome": ... } when you create the task (metadata is your own string pairs, up to 20 keys):
${Object.entries(input.sandboxOutcomes)
  .map(([outcome, behavior]) => `- ${outcome}: ${behavior}.`)
  .join('\n')}
Any other value is 400 VALIDATION_ERROR on metadata.sandbox_outcome. Payouts (POST /api/v1/payments/payouts) refuse test keys (403).

## Event webhooks

Instead of waiting, you can be called: POST /api/v1/webhook-endpoints { "url" (https, public host), "events": [${input.eventTypes.map((t) => `"${t}"`).join(', ')}] } -> 201 with "secret": "whsec_..." (shown once), or give a task "callback_url" when you create it (its events are signed with the account's callback_secret, returned in that response). Each event is a POST of { "id", "type", "created_at", "data": { "task", "previous_status" } } (task.message_created carries { "task", "message" } instead), signed in the header GoHireHumans-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the secret>; verify it and reject timestamps older than 5 minutes. Answer 2xx quickly; anything else is retried with backoff for more than 24 hours. Deduplicate on the GoHireHumans-Event-Id header. Endpoints are per mode: one made with a test key receives test tasks' events only (data.task.livemode false), one made otherwise live events only. Delivery attempts: GET /api/v1/webhook-endpoints/{id}/deliveries. Rotate a secret without missing events: POST /api/v1/webhook-endpoints/{id}/roll-secret (or POST /api/v1/callback-secret/roll) { "expires_in_seconds"? (0..604800, default 86400) } returns the new secret; until the old one expires each request carries two v1 values (new, old), so accept a request when any v1 matches. Missed an event? POST /api/v1/webhook-endpoints/{id}/deliveries/{delivery_id}/redeliver sends a delivered or dead delivery's event again (same event id; 409 while it is still pending); GET /api/v1/tasks/{id}/webhook-deliveries lists every attempt for one of your tasks, callback_url included.

## Categories

Use these exact strings for the category field:

${input.categories.map((c) => `- ${c.category}: ${c.description}`).join('\n')}

## Task statuses

${input.statuses.map((s) => `- ${s}: ${meaning[s]}`).join('\n')}

## MCP server

POST ${origin}/mcp speaks the Model Context Protocol (Streamable HTTP, stateless, JSON responses) with the same credentials as the REST API (an API key is best). Client configuration: { "mcpServers": { "gohirehumans": { "type": "http", "url": "${origin}/mcp", "headers": { "Authorization": "Bearer ghh_..." } } } }. Tools take the REST API's fields and return its objects:

${input.tools.map((t) => `- ${t.name}: ${t.description}`).join('\n')}

## Errors

Every error has one shape: { "error": { "code": "VALIDATION_ERROR", "message": "a sentence", "request_id": "req_...", "details": [ { "path": "budget_amount", "message": "..." } ] } }. details is present when fields are at fault. A task that is not yours is 404, like one that does not exist. A move the task's status does not allow is 409 INVALID_STATE, naming the current status. An MCP tool that fails returns isError with this body as its text.

Every signed-in request (REST or MCP) counts against a limit per API key (per account when signed in with an access token). Over it: 429 RATE_LIMITED with a Retry-After header in seconds; wait that long instead of retrying at once.

Codes: ${Object.entries(input.errors)
    .map(([code, status]) => `${code} (${status})`)
    .join(', ')}.

## Reference

- [OpenAPI 3.1 document](${origin}/openapi.json): every route, with schemas and examples
- [API docs](${origin}/docs): the same, as a page
`;
}
