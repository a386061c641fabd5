/**
 * Runs in Node before the browser tests: the same database choice as the workerd suite (test/support/test-database.ts),
 * then the Worker itself served over HTTP on a free port by wrangler's startWorker (what `wrangler dev` runs: the
 * bundle in workerd), in local payments mode. The tests drive it from Chromium and from Node. Not wrangler's
 * createTestHarness: it sends the Worker's outbound requests through Node's fetch, which cannot carry the
 * database driver's WebSocket.
 */
import type { TestProject } from 'vitest/node';
import { startLocalWorker } from '../../src/node/local-worker';
import { startRelay } from '../../src/node/relay';
import { openTestDatabase } from '../support/test-database';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the Worker under test listens, e.g. http://127.0.0.1:41234. */
    apiOrigin: string;
    /** The database the Worker under test uses and the relay to it, for tests that set up what only Node can (an admin). */
    browserDatabaseUrl: string;
    browserDbRelayPort: number;
  }
}

export default async function setup(project: TestProject) {
  const relay = await startRelay();
  const database = await openTestDatabase(relay.port, 'browser');
  const text = (value: string) => ({ type: 'plain_text' as const, value });
  const worker = await startLocalWorker({ url: database.url, relayPort: relay.port });
  project.provide('apiOrigin', (await worker.url).origin);
  project.provide('browserDatabaseUrl', database.url);
  project.provide('browserDbRelayPort', relay.port);

  return async () => {
    await worker.dispose();
    await database.drop();
    await relay.close();
  };
}
