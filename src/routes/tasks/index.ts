import { createRouter } from '../../lib/router';
import { registerAcceptTask } from './accept';
import { registerApproveTask } from './approve';
import { registerCancelTask } from './cancel';
import { registerCreateTask } from './create';
import { registerDisputeTask } from './dispute';
import { registerFundFromBalance } from './fund-from-balance';
import { registerTaskEvents } from './events';
import { registerGetTask } from './get';
import { registerListTasks } from './list';
import { registerListMessages } from './list-messages';
import { registerQuoteTask } from './quote';
import { registerRequestRevision } from './request-revision';
import { registerSendMessage } from './send-message';
import { registerSubmitTask } from './submit';
import { registerWaitForTask } from './wait';
import { registerTaskWebhookDeliveries } from './webhook-deliveries';

/** Mounted at /api/v1. */
export function tasksRouter() {
  const router = createRouter();
  registerCreateTask(router);
  registerQuoteTask(router);
  registerListTasks(router);
  registerGetTask(router);
  registerTaskEvents(router);
  registerTaskWebhookDeliveries(router);
  registerWaitForTask(router);
  registerAcceptTask(router);
  registerSubmitTask(router);
  registerApproveTask(router);
  registerRequestRevision(router);
  registerCancelTask(router);
  registerFundFromBalance(router);
  registerDisputeTask(router);
  registerSendMessage(router);
  registerListMessages(router);
  return router;
}
