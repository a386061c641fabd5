/** Taking the database away from a request, from inside workerd (see outage-relay.ts for the Node side). */
import { inject } from 'vitest';
import { call, type ApiResponse, type CallOptions } from './api';
import type { OutageMode } from './outage-relay';

/** Switches the breakable relay: 'down' cuts and refuses, 'hang' cuts and blackholes, 'up' restores. */
export async function database(mode: OutageMode): Promise<{ mode: OutageMode; cut: number }> {
  const res = await fetch(`${inject('outageControlUrl')}/__${mode}`, { method: 'POST' });
  if (!res.ok) throw new Error(`outage relay /__${mode}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** `call`, with the request's database reached through the breakable relay. */
export const callThroughOutageRelay = <T = any>(path: string, options: CallOptions = {}): Promise<ApiResponse<T>> =>
  call<T>(path, { ...options, env: { ...options.env, DB_RELAY_PORT: inject('outageRelayPort') } });
