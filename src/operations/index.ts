/**
 * Every operation declared in this folder, in the order an agent uses them (the MCP server lists its tools in this
 * order). REST routes that are not tools yet are declared in src/routes/ on the same router.
 */
import { listCategoriesOperation } from './categories';
import { getFileOperation, listFilesOperation, uploadFileOperation } from './files';
import { listMessagesOperation, sendMessageOperation } from './messages';
import type { AnyOperation } from './operation';
import { fundTaskFromBalanceOperation, fundTaskOperation, getBalanceOperation, getCheckoutOperation, listTransactionsOperation } from './payments';
import { quoteTaskOperation } from './quotes';
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
} from './tasks';

export const OPERATIONS: AnyOperation[] = [
  listCategoriesOperation,
  quoteTaskOperation,
  createTaskOperation,
  fundTaskOperation,
  getCheckoutOperation,
  fundTaskFromBalanceOperation,
  getTaskOperation,
  waitForTaskOperation,
  listTasksOperation,
  listTaskEventsOperation,
  sendMessageOperation,
  listMessagesOperation,
  uploadFileOperation,
  listFilesOperation,
  getFileOperation,
  approveTaskOperation,
  requestRevisionOperation,
  cancelTaskOperation,
  disputeTaskOperation,
  getBalanceOperation,
  listTransactionsOperation,
];
