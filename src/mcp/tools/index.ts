/** Every tool the MCP server offers, in the order an agent uses them. */
import type { ToolDefinition } from '../tool';
import { getBalanceTool, listCategoriesTool } from './account';
import { getFileTool, listFilesTool, uploadFileTool } from './files';
import { listMessagesTool, sendMessageTool } from './messages';
import { fundTaskFromBalanceTool, fundTaskTool } from './payments';
import { quoteTaskTool } from './quotes';
import { approveTaskTool, cancelTaskTool, createTaskTool, getTaskTool, listTasksTool, requestRevisionTool, waitForTaskTool } from './tasks';

export const TOOLS: ToolDefinition[] = [
  listCategoriesTool,
  quoteTaskTool,
  createTaskTool,
  fundTaskTool,
  fundTaskFromBalanceTool,
  getTaskTool,
  waitForTaskTool,
  listTasksTool,
  sendMessageTool,
  listMessagesTool,
  uploadFileTool,
  listFilesTool,
  getFileTool,
  approveTaskTool,
  requestRevisionTool,
  cancelTaskTool,
  getBalanceTool,
];
