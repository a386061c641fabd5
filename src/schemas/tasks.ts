import { z } from '@hono/zod-openapi';
import { pathId } from '../lib/openapi';
import type { TaskEventRow } from '../db/queries/task-history';
import type { TaskMessageView } from '../db/queries/task-messages';
import type { TaskView } from '../db/queries/tasks';
import { FUNDING_STATUSES, TASK_CATEGORIES, TASK_STATUSES } from '../db/schema';
import { toCents, usdAmount } from '../lib/money';
import { CursorPageQuery, pageSchema } from '../lib/pagination';
import { iso } from '../lib/time';
import { DeliveryUrl } from './webhook-endpoints';
import type { NewTaskInput } from '../services/tasks/catalog';
import { TASK_EVENT_TYPES } from '../services/tasks/state-machine';
import { messageObject } from '../services/tasks/message-object';
import { taskObject } from '../services/tasks/task-object';
import { CREATE_TASK_EXAMPLE, MESSAGE_EXAMPLE, SEND_MESSAGE_EXAMPLE, SUBMIT_EXAMPLE, TASK_EVENT_EXAMPLE, TASK_EXAMPLE } from './examples';
import { WAIT_DEFAULT_SECONDS, WAIT_MAX_SECONDS } from '../services/tasks/wait';
import type { AttachmentInput } from '../services/files/attachments';
import { MAX_REQUIRED_PER_KIND, NO_EVIDENCE } from '../services/files/evidence';

export const Category = z.enum(TASK_CATEGORIES).openapi({ description: 'One of the six categories (GET /api/v1/categories).' });
export const Status = z.enum(TASK_STATUSES);
const LocationType = z.enum(['remote', 'local']);
const Instant = z.string().openapi({ example: '2026-03-10T17:00:00Z', format: 'date-time' });

export const TaskIdParam = z.object({ id: pathId('id', 'task', 'Task not found.', 'task_xyz789AbCdEfGhIj') });

/** A task id in a body or tool arguments: an unknown or malformed one is the service's 404, as in the path. */
export const TaskId = z.string().min(1).max(100).openapi({ example: 'task_xyz789AbCdEfGhIj' });

/** Stripe's metadata rules: up to 20 keys of 1..40 characters, string values up to 500; shown back as given. */
export const TaskMetadata = z
  .record(z.string().min(1).max(40), z.string().max(500))
  .refine((m) => Object.keys(m).length <= 20, 'At most 20 keys.')
  .openapi({
    description:
      'Your own key-value pairs (strings), shown back on the task. With a test API key, metadata.sandbox_outcome picks what the simulated professional does: complete (default), clarify, miss_deadline, no_show or dispute (see /llms.txt, "Sandbox").',
    example: { order_ref: 'A-1043' },
  });

const evidenceCount = (what: string) =>
  z
    .number()
    .int()
    .min(0)
    .max(MAX_REQUIRED_PER_KIND)
    .optional()
    .openapi({ description: `Uploaded ${what} each submission must reference (0..${MAX_REQUIRED_PER_KIND}, default 0).`, example: 0 });

/** What create takes: any of the three counts; those left out are 0. */
const RequiredEvidenceRequest = z
  .strictObject({
    photos: evidenceCount('photos (png, jpeg, webp, heic)'),
    documents: evidenceCount('documents (pdf, plain text, csv, markdown)'),
    audio: evidenceCount('audio recordings (mpeg, wav, mp4/m4a, ogg, webm)'),
  })
  .openapi('RequiredEvidenceRequest', {
    description:
      'Files the professional must upload (POST /api/v1/tasks/{id}/files) and attach by file_id to the submission; submit is refused with 409 EVIDENCE_REQUIRED without them. Only uploaded files of the right kind count, each once.',
    example: { photos: 2 },
  });

/** As the task object shows it: every count, 0 where nothing is asked. */
const RequiredEvidenceSchema = z
  .object({ photos: z.number().int(), documents: z.number().int(), audio: z.number().int() })
  .openapi('RequiredEvidence', {
    description: 'Uploaded files of each kind a submission must reference by file_id (all 0: none required).',
    example: { photos: 2, documents: 0, audio: 0 },
  });

const isLocal = (value: unknown) => (value as { location_type?: unknown } | undefined)?.location_type === 'local';
const isRemote = (value: unknown) => (value as { location_type?: unknown } | undefined)?.location_type === 'remote';
const location = (value: unknown) => (value as { location?: unknown } | undefined)?.location;

/** Strict: a field the caller may not set (status, client_id, funding, ids, timestamps ...) is a 400 naming it. */
export const CreateTaskBody = z
  .strictObject({
    title: z.string().trim().min(1).max(200).openapi({ example: 'Call dentist to schedule appointment' }),
    description: z.string().trim().min(1).max(10_000).openapi({ example: 'Call Dr. Smith at (555) 010-0200 and book a cleaning next week, mornings only.' }),
    category: Category.openapi({ example: 'business_calls' }),
    location_type: LocationType.openapi({ example: 'remote', description: '"remote" or "local".' }),
    location: z.string().trim().min(1).max(500).nullable().optional().openapi({
      description: 'Required when location_type is "local" (city, state or address); absent or null when "remote".',
      example: null,
    }),
    budget_amount: usdAmount(),
    budget_type: z.enum(['fixed', 'hourly']).openapi({ example: 'fixed' }),
    currency: z.literal('usd').optional().openapi({ description: 'Always "usd"; may be omitted.' }),
    deadline: z.iso
      .datetime({ offset: true })
      .refine((v) => Date.parse(v) > Date.now(), 'Must be in the future.')
      .nullable()
      .optional()
      .openapi({ example: CREATE_TASK_EXAMPLE.deadline, description: 'ISO 8601; in the future.' }),
    metadata: TaskMetadata.optional(),
    required_evidence: RequiredEvidenceRequest.optional(),
  })
  // Run whenever the two fields themselves are well-formed, so their error shows up next to any others.
  .refine((v) => !isLocal(v) || (v.location ?? null) !== null, {
    path: ['location'],
    message: 'Required when location_type is "local".',
    when: (p) => isLocal(p.value) && (location(p.value) == null || typeof location(p.value) === 'string'),
  })
  .refine((v) => !isRemote(v) || (v.location ?? null) === null, {
    path: ['location'],
    message: 'Must be absent or null when location_type is "remote".',
    when: (p) => isRemote(p.value) && (location(p.value) == null || typeof location(p.value) === 'string'),
  })
  .openapi('CreateTaskRequest', { example: CREATE_TASK_EXAMPLE });

/**
 * POST /api/v1/tasks: the fields above and an optional callback_url. REST only, because the secret that signs the
 * callbacks comes back in the REST response; MCP's create_task takes CreateTaskBody.
 */
export const CreateTaskRequest = CreateTaskBody.safeExtend({
  callback_url: DeliveryUrl.nullable()
    .optional()
    .openapi({
      example: 'https://agent.example.com/hooks/task-callback',
      description:
        "Also POST this task's events here (every type), signed with the account's callback secret, which the response returns. https on a public host in production.",
    }),
}).openapi('CreateTaskRequest', { example: CREATE_TASK_EXAMPLE });

/** A validated create body as the service's input (REST and the MCP create_task tool both go through this). */
export function toNewTaskInput(body: z.output<typeof CreateTaskBody>): NewTaskInput {
  return {
    title: body.title,
    description: body.description,
    category: body.category,
    locationType: body.location_type,
    location: body.location ?? null,
    budgetCents: toCents(body.budget_amount),
    budgetType: body.budget_type,
    deadline: body.deadline ? new Date(body.deadline) : null,
    metadata: body.metadata ?? {},
    requiredEvidence: { ...NO_EVIDENCE, ...body.required_evidence },
  };
}

export const TaskListQuery = CursorPageQuery('task_xyz789AbCdEfGhIj').extend({
  status: Status.optional().openapi({ param: { name: 'status', in: 'query' } }),
  category: Category.optional().openapi({ param: { name: 'category', in: 'query' } }),
});

export const MarketplaceQuery = CursorPageQuery('task_xyz789AbCdEfGhIj').extend({
  category: Category.optional().openapi({ param: { name: 'category', in: 'query' } }),
  location_type: LocationType.optional().openapi({ param: { name: 'location_type', in: 'query' } }),
});

/**
 * GET /tasks/{id}/wait: `until` is a comma-separated list of statuses (an unknown or empty name is refused by
 * name, not ignored), or a list; `timeout` is whole seconds. The MCP tool takes the same arguments.
 */
export const WaitTimeout = z.coerce
  .number()
  .int()
  .min(1)
  .max(WAIT_MAX_SECONDS)
  .default(WAIT_DEFAULT_SECONDS)
  .openapi({ description: `Seconds to wait at most: 1..${WAIT_MAX_SECONDS}, default ${WAIT_DEFAULT_SECONDS}.`, example: WAIT_DEFAULT_SECONDS });

const STATUS_NAMES: readonly string[] = TASK_STATUSES;

/** The words for a list naming statuses that do not exist, or null when every name is one. */
function unknownStatuses(names: readonly string[]): string | null {
  const unknown = names.filter((name) => !STATUS_NAMES.includes(name));
  if (unknown.length === 0) return null;
  return `Not a task status: ${unknown.map((name) => `"${name}"`).join(', ')}. Use ${TASK_STATUSES.join(', ')}, separated by commas.`;
}

const splitStatuses = (text: string) => text.split(',').map((name) => name.trim());

/** A comma-separated list of statuses, as a query parameter carries it. */
const WaitUntilText = z.string().transform((text, ctx) => {
  const names = splitStatuses(text);
  const message = unknownStatuses(names);
  if (message) {
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  }
  return [...new Set(names)] as z.infer<typeof Status>[];
});

/** Either a list of statuses (a JSON array; a repeated query parameter) or one comma-separated string. */
const WaitUntil = z
  .union([z.array(Status).min(1), WaitUntilText], {
    // A union reports its failure as one issue: name the unknown statuses in whichever form was sent.
    error: (issue) => {
      const input: unknown = issue.input;
      const names = typeof input === 'string' ? splitStatuses(input) : Array.isArray(input) ? input.map(String) : [];
      return unknownStatuses(names) ?? `Use task statuses (${TASK_STATUSES.join(', ')}): a list, or one comma-separated string.`;
    },
  })
  .optional()
  .openapi({
    param: { name: 'until', in: 'query' },
    description: `Statuses to wait for (${TASK_STATUSES.join(', ')}): comma-separated, or a list. Absent: wait for any change of status.`,
    example: 'submitted,completed,canceled',
  });

export const WaitQuery = z.object({
  until: WaitUntil,
  timeout: WaitTimeout.openapi({ param: { name: 'timeout', in: 'query' } }),
});

const AttachmentName = z.string().trim().min(1).max(255);

/**
 * An attachment in a request: { name, url } for a file elsewhere (https), or { file_id, name? } for a file the
 * author uploaded to the task. One object whose rules depend on file_id (not a union), so an error names the field
 * at fault (attachments.0.name) rather than the whole attachment.
 */
export const AttachmentSchema = z
  .strictObject({
    name: AttachmentName.optional().openapi({ example: 'confirmation.pdf', description: "Required with url; with file_id, shown instead of the file's own name." }),
    url: z
      .url({ protocol: /^https$/ })
      .max(2048)
      .optional()
      .openapi({ example: 'https://files.example.com/confirmation.pdf', description: 'An https URL of a file elsewhere. Not with file_id.' }),
    file_id: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .openapi({ example: 'file_9rT2wQ4mZ7pL1xVb', description: 'A file you uploaded to this task (POST /api/v1/tasks/{id}/files). Not with url.' }),
  })
  .superRefine((a, ctx) => {
    if (a.file_id !== undefined) {
      if (a.url !== undefined) ctx.addIssue({ code: 'custom', path: ['url'], message: 'Give either file_id or url, not both.' });
      return;
    }
    if (a.name === undefined) ctx.addIssue({ code: 'custom', path: ['name'], message: 'Required with url.' });
    if (a.url === undefined) ctx.addIssue({ code: 'custom', path: ['url'], message: 'Required: an https URL, or file_id for a file uploaded to this task.' });
  })
  .transform((a): AttachmentInput => (a.file_id !== undefined ? { file_id: a.file_id, name: a.name } : { name: a.name!, url: a.url! }))
  .openapi('AttachmentRequest', {
    description: '{ name, url } for a file elsewhere (https), or { file_id } for a file you uploaded to this task.',
    example: { name: 'confirmation.pdf', url: 'https://files.example.com/confirmation.pdf' },
  });

/** An attachment as stored and shown; an uploaded file's carries its id, type and size, and its content URL as url. */
export const StoredAttachmentSchema = z
  .object({
    name: z.string(),
    url: z.string().openapi({
      description: "Where the file is. For an uploaded file: its content URL on this API, fetched with the credentials that read the task (GET /api/v1/files/{file_id} gives a signed link that needs none).",
    }),
    file_id: z.string().optional().openapi({ description: 'Set when the attachment is a file uploaded to the task.' }),
    content_type: z.string().optional(),
    size: z.number().int().optional().openapi({ description: 'Bytes.' }),
  })
  .openapi('Attachment', { example: { name: 'confirmation.pdf', url: 'https://files.example.com/confirmation.pdf' } });

export const SubmitBody = z
  .strictObject({
    text: z.string().min(1).max(20_000).openapi({ example: 'Appointment scheduled for March 12 at 9:30 AM with Dr. Smith.' }),
    attachments: z.array(AttachmentSchema).max(20).optional(),
    data: z.record(z.string(), z.unknown()).nullable().optional().openapi({
      description: 'Any JSON object: structured results for the agent.',
      example: { appointment_at: '2026-03-12T09:30:00-05:00', confirmation: 'A-1043' },
    }),
  })
  .openapi('SubmitWorkRequest', { example: SUBMIT_EXAMPLE });

export const ApproveBody = z
  .strictObject({
    rating: z.number().int().min(1).max(5).optional().openapi({ example: 5, description: '1..5; feeds the professional\'s rating.' }),
    review: z.string().trim().min(1).max(2000).optional().openapi({ example: 'Fast and precise.' }),
  })
  .refine((v) => v.review === undefined || v.rating !== undefined, { path: ['rating'], message: 'A review needs a rating.' })
  .openapi('ApproveRequest', { example: { rating: 5, review: 'Fast and precise.' } });

export const ReasonBody = z
  .strictObject({ reason: z.string().trim().min(1).max(2000).openapi({ example: 'Please also confirm the insurance details.' }) })
  .openapi('ReasonRequest', { example: { reason: 'Please also confirm the insurance details.' } });

export const FundFromBalanceBody = z
  .strictObject({
    amount: usdAmount().openapi({
      example: 15,
      description: "US dollars to move from your available balance into the task's escrow: at least the budget_amount of a fixed-price task (what is paid above it returns to your available balance on release), at most 100000 per task.",
    }),
  })
  .openapi('FundFromBalanceRequest', { example: { amount: 15 } });

export const ResolveBody = z
  .strictObject({
    outcome: z.enum(['release', 'refund']).openapi({ description: 'release: pay the professional (completed); refund: return the escrow (canceled).' }),
    note: z.string().trim().min(1).max(2000).optional(),
  })
  .openapi('ResolveDisputeRequest', { example: { outcome: 'release', note: 'The call log shows the appointment was booked.' } });

const DeliverableSchema = z.object({
  id: z.string().openapi({ example: 'sub_4kT9wQ2mZ7pL1xVa' }),
  text: z.string(),
  attachments: z.array(StoredAttachmentSchema),
  data: z.record(z.string(), z.unknown()).nullable(),
  submitted_at: Instant,
});

export const TaskSchema = z
  .object({
    id: z.string().openapi({ example: 'task_xyz789AbCdEfGhIj' }),
    title: z.string(),
    description: z.string(),
    category: Category,
    location_type: LocationType,
    location: z.string().nullable(),
    budget_amount: z.number().openapi({ example: 15 }),
    budget_type: z.enum(['fixed', 'hourly']),
    currency: z.literal('usd'),
    deadline: Instant.nullable(),
    required_evidence: RequiredEvidenceSchema,
    status: Status,
    funding: z
      .object({
        status: z.enum(FUNDING_STATUSES).openapi({
          description:
            'unfunded: no payment yet; pending: a checkout is open; funded: paid into escrow (the task is listed while open); released: paid to the professional; refunded: returned to the client.',
        }),
        escrow_amount: z.number().openapi({ example: 0, description: 'USD the task holds in escrow now (0 once released or refunded).' }),
      })
      .openapi('TaskFunding'),
    client_id: z.string(),
    professional: z
      .object({ id: z.string().openapi({ example: 'usr_pro456AbCdEfGhIj' }), name: z.string().openapi({ example: 'Sarah M.' }), rating: z.number().nullable().openapi({ example: 4.9 }) })
      .nullable(),
    result: z.string().nullable().openapi({ description: "The latest submission's text.", example: 'Appointment scheduled ...' }),
    deliverables: z.array(DeliverableSchema),
    submitted_at: Instant.nullable(),
    completed_at: Instant.nullable(),
    canceled_at: Instant.nullable(),
    created_at: Instant,
    updated_at: Instant,
    metadata: z.record(z.string(), z.string()).openapi({ description: 'The key-value pairs given at creation; {} when none.' }),
    livemode: z.boolean().openapi({ description: 'False for a sandbox task (posted with a test API key): test money, worked by the sandbox professional.' }),
  })
  .openapi('Task', { example: TASK_EXAMPLE });

export type TaskDto = z.infer<typeof TaskSchema>;

/** The create response: the task, and when a callback_url was given, that URL and the secret signing its events. */
export const CreatedTaskSchema = TaskSchema.extend({
  callback_url: z.string().optional().openapi({ example: 'https://agent.example.com/hooks/task-callback' }),
  callback_secret: z.string().optional().openapi({
    example: 'whsec_3Rk8sQ1mZ7pL2xVb9fK2mQ7pL1xVaN4c',
    description: "The account's callback signing secret (GoHireHumans-Signature): the same for every task posted with a callback_url.",
  }),
}).openapi('CreatedTask');

export const TaskPageSchema = pageSchema(TaskSchema, 'TaskPage');

export const TaskEventSchema = z
  .object({
    id: z.string().openapi({ example: 'evt_8hV2kQ9mN3pL5xWa' }),
    type: z.enum(TASK_EVENT_TYPES),
    from_status: Status.nullable(),
    to_status: Status,
    actor_id: z.string().nullable().openapi({ description: 'Null when the platform moved the task (deadline, auto-approval).' }),
    at: Instant,
    note: z.string().nullable(),
  })
  .openapi('TaskEvent', { example: TASK_EVENT_EXAMPLE });

export function toTaskDto(view: TaskView): TaskDto {
  return taskObject(view);
}

export function toTaskEventDto(event: TaskEventRow): z.infer<typeof TaskEventSchema> {
  return {
    id: event.id,
    type: event.type as z.infer<typeof TaskEventSchema>['type'],
    from_status: event.fromStatus,
    to_status: event.toStatus,
    actor_id: event.actorId,
    at: iso(event.createdAt),
    note: event.note,
  };
}

/** Messages (POST/GET /tasks/{id}/messages; the rules are services/tasks/messages.ts). */
const ThreadProfessionalId = z.string().min(1).max(100).openapi({
  example: 'usr_pro456AbCdEfGhIj',
  description:
    "The professional whose thread with the owner this is. The owner names it to answer a professional's question while the task is unassigned (required when more than one has asked); professionals leave it out.",
});

export const SendMessageBody = z
  .strictObject({
    text: z
      .string()
      .min(1)
      .max(5000)
      .refine((text) => text.trim().length > 0, 'Must not be blank.')
      .openapi({ example: SEND_MESSAGE_EXAMPLE.text, description: '1..5000 characters, not only whitespace.' }),
    attachments: z.array(AttachmentSchema).max(10).optional().openapi({ description: 'Up to 10 files: https links, or files you uploaded to the task ({ file_id }).' }),
    professional_id: ThreadProfessionalId.optional(),
  })
  .openapi('SendMessageRequest', { example: SEND_MESSAGE_EXAMPLE });

export const MessageListQuery = CursorPageQuery('msg_7pQ2wK9mZ4tL1xVb').extend({
  professional_id: ThreadProfessionalId.optional().openapi({
    param: { name: 'professional_id', in: 'query' },
    description: "Only this professional's thread (the owner's and admins' filter; a professional reads only their own thread anyway).",
  }),
});

export const MessageSchema = z
  .object({
    id: z.string().openapi({ example: 'msg_7pQ2wK9mZ4tL1xVb' }),
    task_id: z.string(),
    professional_id: z.string().openapi({ description: "The professional whose thread with the task's owner this message is in." }),
    author: z
      .object({
        id: z.string(),
        name: z.string().openapi({ description: 'First name and last initial.', example: 'Sarah M.' }),
        role: z.enum(['ai_client', 'client', 'professional']).openapi({ description: "The author's account role: professional, or the owner's ai_client / client." }),
      })
      .openapi('MessageAuthor'),
    text: z.string(),
    attachments: z.array(StoredAttachmentSchema),
    created_at: Instant,
  })
  .openapi('Message', { example: MESSAGE_EXAMPLE });

export type MessageDto = z.infer<typeof MessageSchema>;

export const MessagePageSchema = pageSchema(MessageSchema, 'MessagePage');

export function toMessageDto(view: TaskMessageView): MessageDto {
  return messageObject(view);
}
