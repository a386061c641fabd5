/**
 * The sandbox professional: a platform-owned, verified professional account (created by drizzle/0014_sandbox.sql)
 * that works test tasks and nothing else. Nobody can sign in as it; it acts only through services/sandbox.
 */
import type { Caller } from '../../context';

export const SANDBOX_PROFESSIONAL_ID = 'usr_sandbox';

/** The sandbox professional as a caller: a test-mode professional, so the services apply their usual rules to it. */
export const SANDBOX_PROFESSIONAL: Caller = {
  id: SANDBOX_PROFESSIONAL_ID,
  role: 'professional',
  authMethod: 'api_key',
  apiKeyId: null,
  livemode: false,
};
