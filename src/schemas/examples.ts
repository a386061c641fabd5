/**
 * Whole-object examples for the task schemas in the OpenAPI document: the seed's dentist call, delivered by
 * Sarah M. Every example must pass its own schema (test/openapi.examples.test.ts checks each one).
 */

const deliveredText = 'Appointment scheduled for March 12 at 9:30 AM with Dr. Smith.';
const attachment = { name: 'confirmation.pdf', url: 'https://files.example.com/confirmation.pdf' };
const data = { appointment_at: '2026-03-12T09:30:00-05:00', confirmation: 'A-1043' };

export const CREATE_TASK_EXAMPLE = {
  title: 'Call dentist to schedule appointment',
  description: 'Call Dr. Smith at (555) 010-0200 and book a cleaning next week, mornings only.',
  category: 'business_calls' as const,
  location_type: 'remote' as const,
  budget_amount: 15,
  budget_type: 'fixed' as const,
  // A request's deadline must be in the future: this one stays valid for years.
  deadline: '2030-03-10T17:00:00Z',
};

export const SUBMIT_EXAMPLE = { text: deliveredText, attachments: [attachment], data };

export const TASK_EXAMPLE = {
  id: 'task_xyz789AbCdEfGhIj',
  title: CREATE_TASK_EXAMPLE.title,
  description: CREATE_TASK_EXAMPLE.description,
  category: 'business_calls' as const,
  location_type: 'remote' as const,
  location: null,
  budget_amount: 15,
  budget_type: 'fixed' as const,
  currency: 'usd' as const,
  deadline: '2026-03-10T17:00:00Z',
  required_evidence: { photos: 0, documents: 0, audio: 0 },
  status: 'submitted' as const,
  funding: { status: 'funded' as const, escrow_amount: 15 },
  client_id: 'usr_abc123DEF456ghi7',
  professional: { id: 'usr_pro456AbCdEfGhIj', name: 'Sarah M.', rating: 4.9 },
  result: deliveredText,
  deliverables: [{ id: 'sub_4kT9wQ2mZ7pL1xVa', text: deliveredText, attachments: [attachment], data, submitted_at: '2026-03-05T11:30:00Z' }],
  submitted_at: '2026-03-05T11:30:00Z',
  completed_at: null,
  canceled_at: null,
  created_at: '2026-03-04T09:00:00Z',
  updated_at: '2026-03-05T11:30:00Z',
  metadata: { order_ref: 'A-1043' },
  livemode: true,
};

export const TASK_EVENT_EXAMPLE = {
  id: 'evt_8hV2kQ9mN3pL5xWa',
  type: 'submitted' as const,
  from_status: 'in_progress' as const,
  to_status: 'submitted' as const,
  actor_id: 'usr_pro456AbCdEfGhIj',
  at: '2026-03-05T11:30:00Z',
  note: null,
};

export const SEND_MESSAGE_EXAMPLE = { text: 'Should I book with Dr. Smith even if only afternoons are free next week?' };

export const MESSAGE_EXAMPLE = {
  id: 'msg_7pQ2wK9mZ4tL1xVb',
  task_id: 'task_xyz789AbCdEfGhIj',
  professional_id: 'usr_pro456AbCdEfGhIj',
  author: { id: 'usr_pro456AbCdEfGhIj', name: 'Sarah M.', role: 'professional' as const },
  text: SEND_MESSAGE_EXAMPLE.text,
  attachments: [],
  created_at: '2026-03-04T10:15:00Z',
};

/** A fixed-price task funded 5 USD above its budget: the extra comes back on approval. */
export const QUOTE_REQUEST_EXAMPLE = { ...CREATE_TASK_EXAMPLE, funding_amount: 20 };

export const QUOTE_EXAMPLE = {
  object: 'quote' as const,
  valid: true,
  errors: [],
  budget_amount: 15,
  budget_type: 'fixed' as const,
  currency: 'usd' as const,
  total_to_fund: 20,
  platform_fee_bps: 100,
  platform_fee: 0.15,
  professional_receives: 14.85,
  returned_to_balance_on_release: 5,
};
