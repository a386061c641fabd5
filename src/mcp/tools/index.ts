/**
 * Every tool the MCP server offers, in the order an agent uses them.
 *
 * `wait_for_task` (waitForTask) is not here yet: its service is not on this branch. It is one defineTool calling
 * that service, added to this list; nothing else changes.
 */
import type { ToolDefinition } from '../tool';
import { getBalanceTool, listCategoriesTool } from './account';
import { fundTaskTool } from './payments';
import { approveTaskTool, cancelTaskTool, createTaskTool, getTaskTool, listTasksTool, requestRevisionTool } from './tasks';

export const TOOLS: ToolDefinition[] = [
  listCategoriesTool,
  createTaskTool,
  fundTaskTool,
  getTaskTool,
  listTasksTool,
  approveTaskTool,
  requestRevisionTool,
  cancelTaskTool,
  getBalanceTool,
];
