/**
 * How the sandbox professional hears that a test task may need its next step (it was funded, moved, or messaged).
 * The code that notices (escrow, lifecycle, messages, through AfterCommit) sits below the sandbox, which acts through
 * those same services; so the sandbox registers its step here when the Worker starts (src/index.ts), rather than
 * being imported by the code it drives, which would be an import circle. Unset (a test of a lower layer that
 * never loads the Worker), nothing is woken, and the sandbox cron job still finds the task.
 */
import type { AppEnv } from '../../env';

export type SandboxStep = (env: AppEnv, taskId: string) => Promise<void>;

let registered: SandboxStep | null = null;

export function registerSandboxStep(step: SandboxStep): void {
  registered = step;
}

export function sandboxStep(): SandboxStep | null {
  return registered;
}
