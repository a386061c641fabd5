/**
 * Every tool the MCP server offers, in the order an agent uses them.
 *
 * Two tools of the agent workflow are not here yet, because their services are not on this branch: `fund_task`
 * (the checkout service, createCheckout) and `wait_for_task` (waitForTask). Each is one defineTool calling that
 * service, added to this list; nothing else changes.
 */
import type { ToolDefinition } from '../tool';
import { getBalanceTool, listCategoriesTool } from './account';
import { approveTaskTool, cancelTaskTool, createTaskTool, getTaskTool, listTasksTool, requestRevisionTool } from './tasks';

export const TOOLS: ToolDefinition[] = [
  listCategoriesTool,
  createTaskTool,
  getTaskTool,
  listTasksTool,
  approveTaskTool,
  requestRevisionTool,
  cancelTaskTool,
  getBalanceTool,
];
