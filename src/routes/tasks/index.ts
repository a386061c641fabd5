import { createRouter } from '../../lib/router';
import { registerOperation } from '../../operations/rest';
import { listMessagesOperation, sendMessageOperation } from '../../operations/messages';
import { fundTaskFromBalanceOperation } from '../../operations/payments';
import { quoteTaskOperation } from '../../operations/quotes';
import {
  approveTaskOperation,
  cancelTaskOperation,
  createTaskOperation,
  disputeTaskOperation,
  getTaskOperation,
  listTaskEventsOperation,
  listTasksOperation,
  requestRevisionOperation,
  waitForTaskOperation,
} from '../../operations/tasks';
import { registerAcceptTask } from './accept';
import { registerSubmitTask } from './submit';
import { registerTaskWebhookDeliveries } from './webhook-deliveries';

/** Mounted at /api/v1. Operations that are also MCP tools come from src/operations/; the rest are declared here. */
export function tasksRouter() {
  const router = createRouter();
  registerOperation(router, createTaskOperation);
  registerOperation(router, quoteTaskOperation);
  registerOperation(router, listTasksOperation);
  registerOperation(router, getTaskOperation);
  registerOperation(router, listTaskEventsOperation);
  registerTaskWebhookDeliveries(router);
  registerOperation(router, waitForTaskOperation);
  registerAcceptTask(router);
  registerSubmitTask(router);
  registerOperation(router, approveTaskOperation);
  registerOperation(router, requestRevisionOperation);
  registerOperation(router, cancelTaskOperation);
  registerOperation(router, fundTaskFromBalanceOperation);
  registerOperation(router, disputeTaskOperation);
  registerOperation(router, sendMessageOperation);
  registerOperation(router, listMessagesOperation);
  return router;
}
