/**
 * Runs in Node before the suite: picks a Postgres, makes a fresh database for this run, migrates it, starts the
 * WebSocket relay (and a breakable one in front of it), the Stripe fake and a webhook receiver, and hands the
 * addresses to the Worker under test. Drops the database afterwards.
 */
import type { TestProject } from 'vitest/node';
import { randomBytes } from 'node:crypto';
import { startRelay } from '../src/node/relay';
import { startOpenApiValidator } from './support/openapi-validator';
import { startOutageRelay } from './support/outage-relay';
import { startStripeFake } from './support/stripe-fake';
import { openTestDatabase } from './support/test-database';
import { startWebhookReceiver } from './support/webhook-receiver';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    dbRelayPort: string;
    /** A relay in front of dbRelayPort that tests can cut and restore (test/support/outage-relay.ts). */
    outageRelayPort: string;
    outageControlUrl: string;
    openApiValidatorUrl: string;
    /** The Stripe fake (test/support/stripe-fake.ts); the Worker gets it as STRIPE_API_URL. */
    stripeFakeUrl: string;
    stripeSecretKey: string;
    stripeWebhookSecret: string;
    /** WEBHOOK_SECRETS_KEY for the run: a fresh key, so nothing depends on a fixed one. */
    webhookSecretsKey: string;
    /** Receives the API's event webhooks (test/support/webhook-receiver.ts). */
    webhookReceiverUrl: string;
  }
}

/** Test-only Stripe credentials: the fake accepts this key; webhook bodies in tests are signed with this secret. */
const STRIPE_TEST_KEY = `sk_test_fake_${randomBytes(8).toString('hex')}`;
const STRIPE_TEST_WEBHOOK_SECRET = `whsec_test_${randomBytes(16).toString('hex')}`;
const WEBHOOK_SECRETS_TEST_KEY = `test-${randomBytes(3).toString('hex')}:${randomBytes(32).toString('base64')}`;

export default async function setup(project: TestProject) {
  const relay = await startRelay();
  const outageRelay = await startOutageRelay(relay.port);
  const validator = await startOpenApiValidator();
  const stripe = await startStripeFake({ secretKey: STRIPE_TEST_KEY });
  const receiver = await startWebhookReceiver();
  const database = await openTestDatabase(relay.port, 'test');

  project.provide('databaseUrl', database.url);
  project.provide('dbRelayPort', String(relay.port));
  project.provide('outageRelayPort', String(outageRelay.port));
  project.provide('outageControlUrl', outageRelay.controlUrl);
  project.provide('openApiValidatorUrl', validator.url);
  project.provide('stripeFakeUrl', stripe.url);
  project.provide('stripeSecretKey', STRIPE_TEST_KEY);
  project.provide('stripeWebhookSecret', STRIPE_TEST_WEBHOOK_SECRET);
  project.provide('webhookSecretsKey', WEBHOOK_SECRETS_TEST_KEY);
  project.provide('webhookReceiverUrl', receiver.url);

  return async () => {
    await database.drop();
    await outageRelay.close();
    await relay.close();
    await validator.close();
    await stripe.close();
    await receiver.close();
  };
}
