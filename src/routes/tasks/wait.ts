import { createRoute, z } from '@hono/zod-openapi';
import { errorResponses, signedIn } from '../../lib/openapi';
import type { Router } from '../../lib/router';
import { requireAuth } from '../../middleware/auth';
import { waitForTask } from '../../services/tasks/wait';
import { TaskIdParam, TaskSchema, toTaskDto, WaitQuery } from '../../schemas/tasks';

const WaitHeaders = z.object({
  'X-Wait-Timed-Out': z.enum(['true', 'false']).openapi({
    description:
      'Always sent. "false": the task returned is in one of the `until` statuses (or, without `until`, its status changed). "true": it is not: time ran out first, or a message woke the wait (X-Wait-Reason says which); call again to keep waiting.',
    example: 'false',
  }),
  'X-Wait-Reason': z.enum(['status', 'message', 'timeout']).openapi({
    description:
      'Always sent. "status": the status condition is met. "message": someone else wrote a message the caller may read (GET /api/v1/tasks/{id}/messages). "timeout": neither happened within `timeout`.',
    example: 'status',
  }),
});

const route = createRoute({
  method: 'get',
  path: '/tasks/{id}/wait',
  operationId: 'wait_for_task',
  tags: ['Tasks'],
  summary: 'Wait for a task to change or a message',
  description:
    'Holds the request until the task reaches one of the `until` statuses (at once if it already is in one) or, without `until`, until its status differs from the status it had when the call arrived; or until someone else writes a message the caller may read; at most `timeout` seconds. ' +
    'Answers 200 with the task exactly as GET /api/v1/tasks/{id} shows it (same visibility rules) either way: X-Wait-Reason says why it answered. A change is seen within about half a second. Call it again to keep waiting.',
  security: signedIn,
  middleware: [requireAuth()] as const,
  request: { params: TaskIdParam, query: WaitQuery },
  responses: {
    200: { description: 'The task', headers: WaitHeaders, content: { 'application/json': { schema: TaskSchema } } },
    ...errorResponses(401, 404, 429),
  },
});

export function registerWaitForTask(router: Router) {
  router.openapi(route, async (c) => {
    const { until, timeout } = c.req.valid('query');
    const { view, timedOut, reason } = await waitForTask(c.var.db, c.var.caller, c.req.valid('param').id, {
      until: until ?? null,
      timeoutMs: timeout * 1000,
      signal: c.req.raw.signal,
    });
    c.header('X-Wait-Timed-Out', String(timedOut));
    c.header('X-Wait-Reason', reason);
    return c.json(toTaskDto(view), 200);
  });
}
