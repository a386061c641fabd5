import { z } from '@hono/zod-openapi';
import { pathId } from '../lib/openapi';
import type { CheckoutRow } from '../db/queries/checkouts';
import { CHECKOUT_STATUSES } from '../db/schema';
import { centsToUsd, usdAmount } from '../lib/money';
import { pageSchema } from '../lib/pagination';
import { iso } from '../lib/time';
import { lineId, type LedgerLine, type UserBalances } from '../services/ledger';
import type { Onboarding, Payout } from '../services/payments/payouts';

const Instant = z.string().openapi({ example: '2026-03-10T17:00:00Z', format: 'date-time' });
/** format uri, except where Stripe's {CHECKOUT_SESSION_ID} placeholder may appear: braces are not allowed in a URI. */
const RedirectUrl = (example: string, description: string, options: { placeholder?: boolean } = {}) =>
  z.string().min(1).max(2048).openapi({ ...(options.placeholder ? {} : { format: 'uri' }), example, description });

export const CreateCheckoutBody = z
  .strictObject({
    task_id: z.string().min(1).max(100).openapi({ example: 'task_xyz789AbCdEfGhIj' }),
    amount: usdAmount().openapi({
      example: 50,
      description: 'US dollars to pay into escrow: at least 0.50, at least the budget_amount of a fixed-price task (what is paid above it returns to your available balance on release), at most 100000 per task.',
    }),
    success_url: RedirectUrl(
      'https://agent.example/funded?session={CHECKOUT_SESSION_ID}',
      'Where the payer lands after paying: absolute https (plain http only on a loopback host in development). Stripe fills in {CHECKOUT_SESSION_ID}.',
      { placeholder: true },
    ),
    cancel_url: RedirectUrl('https://agent.example/canceled', 'Where the payer lands if they leave the payment page.'),
  })
  .openapi('CreateCheckoutRequest', {
    example: {
      task_id: 'task_xyz789AbCdEfGhIj',
      amount: 50,
      success_url: 'https://agent.example/funded?session={CHECKOUT_SESSION_ID}',
      cancel_url: 'https://agent.example/canceled',
    },
  });

export const CheckoutSchema = z
  .object({
    id: z.string().openapi({ example: 'chk_7Hq2LmN9pXs4TvWa' }),
    task_id: z.string().openapi({ example: 'task_xyz789AbCdEfGhIj' }),
    amount: z.number().openapi({ example: 50 }),
    currency: z.literal('usd'),
    status: z.enum(CHECKOUT_STATUSES).openapi({
      description: 'pending until Stripe reports the payment (paid), or the session expires or its payment fails.',
    }),
    checkout_url: z.string().openapi({
      example: 'https://checkout.stripe.com/c/pay/cs_test_a1B2c3D4',
      description: "Stripe's payment page (in local development, a page served by this API). Hand it to whoever pays. A test task's checkout needs no one: the sandbox pays it within a second.",
    }),
    expires_at: Instant,
    livemode: z.boolean().openapi({ description: "The task's mode: false for a sandbox task's checkout, paid with test money by the sandbox." }),
  })
  .openapi('Checkout', {
    example: {
      id: 'chk_7Hq2LmN9pXs4TvWa',
      task_id: 'task_xyz789AbCdEfGhIj',
      amount: 50,
      currency: 'usd',
      status: 'pending',
      checkout_url: 'https://checkout.stripe.com/c/pay/cs_test_a1B2c3D4',
      expires_at: '2026-03-05T10:50:00Z',
      livemode: true,
    },
  });

export function toCheckoutDto(checkout: CheckoutRow): z.infer<typeof CheckoutSchema> {
  return {
    id: checkout.id,
    task_id: checkout.taskId,
    amount: centsToUsd(checkout.amountCents),
    currency: 'usd',
    status: checkout.status,
    checkout_url: checkout.url,
    expires_at: iso(checkout.expiresAt),
    livemode: checkout.livemode,
  };
}

/** Any text: an id that is malformed is as unknown as one that does not exist (404, never 400). */
export const CheckoutIdParam = z.object({ id: pathId('id', 'chk', 'Checkout not found.', 'chk_7Hq2LmN9pXs4TvWa') });

export const BalanceSchema = z
  .object({
    available_balance: z.number().openapi({ example: 125, description: 'USD free to move: earnings not yet paid out; for a client, money returned to you, which funds your tasks (POST /api/v1/tasks/{id}/fund-from-balance).' }),
    escrow_balance: z.number().openapi({ example: 45, description: "USD held in escrow for your tasks." }),
    pending_balance: z.number().openapi({ example: 0, description: 'USD on its way to you: transfers and refunds Stripe is making.' }),
    currency: z.literal('usd'),
  })
  .openapi('Balance', { example: { available_balance: 125, escrow_balance: 45, pending_balance: 0, currency: 'usd' } });

export function toBalanceDto(b: UserBalances): z.infer<typeof BalanceSchema> {
  return {
    available_balance: centsToUsd(b.availableCents),
    escrow_balance: centsToUsd(b.escrowCents),
    pending_balance: centsToUsd(b.pendingCents),
    currency: 'usd',
  };
}

const LEDGER_TYPES = ['funding', 'release', 'refund', 'transfer', 'settlement', 'reversal', 'balance_funding', 'manual_return'] as const;
const ACCOUNT_KINDS = ['available', 'escrow', 'pending_payout', 'pending_refund'] as const;

export const TransactionLineSchema = z
  .object({
    id: z.string().openapi({ example: 'ln_4821', description: 'The line itself: pass it as starting_after to get the lines after it.' }),
    transaction_id: z.string().openapi({ example: 'txn_3fZ8kQ2mN7pL1xVa', description: 'The ledger transaction; one may touch two of your balances.' }),
    type: z.enum(LEDGER_TYPES).openapi({
      description:
        'funding: a payment into escrow; release: escrow paid to the professional (less the fee); refund: escrow on its way back to the client; transfer: earnings on their way to the connected account; settlement: Stripe made the refund or transfer; reversal: Stripe refused a transfer, or failed a refund after accepting it; the money is back in the available balance; balance_funding: your available balance paid into the escrow of a task (refunded to the available balance, as a refund line, if the task is canceled); manual_return: the platform returned your available balance outside the API (the description says how).',
    }),
    account: z.enum(ACCOUNT_KINDS).openapi({ description: 'Which of your balances the line changed.' }),
    amount: z.number().openapi({ example: -50, description: 'Signed USD: positive adds to that balance, negative takes from it.' }),
    currency: z.literal('usd'),
    task_id: z.string().nullable().openapi({ example: 'task_xyz789AbCdEfGhIj' }),
    description: z.string().nullable().openapi({ example: 'Checkout chk_7Hq2LmN9pXs4TvWa paid' }),
    simulated: z.boolean().openapi({ description: 'True in local development mode: no real money moved.' }),
    created_at: Instant,
  })
  .openapi('TransactionLine', {
    example: {
      id: 'ln_4821',
      transaction_id: 'txn_3fZ8kQ2mN7pL1xVa',
      type: 'funding',
      account: 'escrow',
      amount: 50,
      currency: 'usd',
      task_id: 'task_xyz789AbCdEfGhIj',
      description: 'Checkout chk_7Hq2LmN9pXs4TvWa paid',
      simulated: false,
      created_at: '2026-03-04T11:02:00Z',
    },
  });

export const TransactionPageSchema = pageSchema(TransactionLineSchema, 'TransactionLinePage');

export function toTransactionLineDto(line: LedgerLine): z.infer<typeof TransactionLineSchema> {
  return {
    id: lineId(line),
    transaction_id: line.transactionId,
    type: line.kind as (typeof LEDGER_TYPES)[number],
    account: line.accountKind as (typeof ACCOUNT_KINDS)[number],
    amount: centsToUsd(line.amountCents),
    currency: 'usd',
    task_id: line.taskId,
    description: line.memo,
    simulated: line.simulated,
    created_at: iso(line.createdAt),
  };
}

export const ConnectBody = z
  .strictObject({
    return_url: RedirectUrl('https://pro.example/payouts/ready', 'Where Stripe sends the professional after onboarding. Defaults to a page of this API.').optional(),
    refresh_url: RedirectUrl('https://pro.example/payouts/retry', 'Where Stripe sends them if the link expired. Defaults to a page of this API.').optional(),
  })
  .openapi('ConnectRequest', { example: { return_url: 'https://pro.example/payouts/ready', refresh_url: 'https://pro.example/payouts/retry' } });

export const OnboardingSchema = z
  .object({
    url: z.string().openapi({ example: 'https://connect.stripe.com/setup/e/acct_1Q2w3E4r5T6y7U8i/AbCd1234', description: "Stripe's onboarding page; single use, expires in minutes." }),
    account_id: z.string().openapi({ example: 'acct_1Q2w3E4r5T6y7U8i' }),
    payouts_enabled: z.boolean().openapi({ description: 'True once Stripe lets this account be paid; /auth/me shows it too.' }),
  })
  .openapi('ConnectOnboarding', {
    example: { url: 'https://connect.stripe.com/setup/e/acct_1Q2w3E4r5T6y7U8i/AbCd1234', account_id: 'acct_1Q2w3E4r5T6y7U8i', payouts_enabled: false },
  });

export const toOnboardingDto = (o: Onboarding): z.infer<typeof OnboardingSchema> => ({
  url: o.url,
  account_id: o.accountId,
  payouts_enabled: o.payoutsEnabled,
});

export const PayoutSchema = z
  .object({
    id: z.string().openapi({ example: 'pay_9Kd3Wq7ZmT2xLp4R' }),
    amount: z.number().openapi({ example: 148.5 }),
    currency: z.literal('usd'),
    status: z.literal('pending').openapi({ description: 'The transfer is made right after this answer; the balance shows it as pending until Stripe accepts it.' }),
    destination: z.string().openapi({ example: 'acct_1Q2w3E4r5T6y7U8i', description: 'Your Stripe connected account.' }),
    created_at: Instant,
  })
  .openapi('Payout', {
    example: { id: 'pay_9Kd3Wq7ZmT2xLp4R', amount: 148.5, currency: 'usd', status: 'pending', destination: 'acct_1Q2w3E4r5T6y7U8i', created_at: '2026-03-06T08:00:00Z' },
  });

export const toPayoutDto = (p: Payout): z.infer<typeof PayoutSchema> => ({
  id: p.id,
  amount: centsToUsd(p.amountCents),
  currency: 'usd',
  status: 'pending',
  destination: p.destination,
  created_at: iso(p.createdAt),
});
