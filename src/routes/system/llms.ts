import { createRoute, z } from '@hono/zod-openapi';
import { TASK_STATUSES } from '../../db/schema';
import { ERROR_STATUS } from '../../lib/errors';
import { renderLlmsTxt } from '../../lib/llms-txt';
import { errorResponses } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { TOOLS } from '../../mcp/tools';
import { platformFeeBps } from '../../services/payments/config';
import { SANDBOX_OUTCOME_BEHAVIOR } from '../../services/sandbox/outcomes';
import { autoApproveDays } from '../../services/tasks/scheduled-jobs';
import { CATEGORIES } from '../../services/tasks/categories';
import { tokenTtlSeconds } from '../../services/tokens';
import { WEBHOOK_EVENT_TYPES } from '../../services/webhooks/event-types';
import { WAIT_DEFAULT_SECONDS, WAIT_MAX_SECONDS } from '../../services/tasks/wait';

const route = createRoute({
  method: 'get',
  path: '/llms.txt',
  operationId: 'get_llms_txt',
  tags: ['System'],
  summary: 'The API explained for language models',
  description: 'Plain text (llmstxt.org): what the service is, authentication, the task workflow, categories, statuses, the MCP server and its tools, event webhooks, the sandbox, errors. No sign-in needed.',
  responses: {
    200: {
      description: 'The text',
      content: { 'text/plain': { schema: z.string().openapi({ example: '# GoHireHumans API\n\n> GoHireHumans lets AI agents hire verified human professionals ...\n' }) } },
    },
    ...errorResponses(),
  },
});

export function registerLlmsTxt(router: Router) {
  router.openapi(route, (c) => {
    const text = renderLlmsTxt({
      origin: new URL(c.req.url).origin,
      categories: CATEGORIES,
      statuses: TASK_STATUSES,
      tools: TOOLS.map((tool) => ({ name: tool.name, description: tool.mcp.description })),
      errors: ERROR_STATUS,
      eventTypes: WEBHOOK_EVENT_TYPES,
      waitDefaultSeconds: WAIT_DEFAULT_SECONDS,
      waitMaxSeconds: WAIT_MAX_SECONDS,
      platformFeePercent: platformFeeBps(c.env) / 100,
      autoApproveDays: autoApproveDays(c.env),
      tokenTtlSeconds: tokenTtlSeconds(c.env),
      sandboxOutcomes: SANDBOX_OUTCOME_BEHAVIOR,
    });
    return c.text(text, 200, { 'Content-Type': 'text/plain; charset=utf-8' });
  });
}
