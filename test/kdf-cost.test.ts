/**
 * The CPU cost of one password hash inside workerd, printed for docs/auth.md ("Password hashing"). workerd's
 * clocks only advance at I/O, so the timed loop is bracketed by timer waits: the span between them is the
 * hashes' run time, and with nothing else running in the isolate it is their CPU time.
 * Run it alone for a clean figure: npx vitest run test/kdf-cost.test.ts
 */
import { expect, it } from 'vitest';
import { CURRENT_PARAMS, hashPassword, verifyPassword } from '../src/services/passwords';

const RUNS = 10;
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

it(`measures one hash with the current parameters (N=2^${CURRENT_PARAMS.logN}, r=${CURRENT_PARAMS.r}, p=${CURRENT_PARAMS.p})`, async () => {
  const stored = await hashPassword('warm-up password');
  await tick();
  const started = performance.now();
  for (let i = 0; i < RUNS; i++) await hashPassword(`password ${i}`);
  await tick();
  const hashMs = (performance.now() - started) / RUNS;

  await tick();
  const verifyStarted = performance.now();
  for (let i = 0; i < RUNS; i++) await verifyPassword('warm-up password', stored);
  await tick();
  const verifyMs = (performance.now() - verifyStarted) / RUNS;

  console.log(JSON.stringify({ kdf: 'scrypt', ...CURRENT_PARAMS, runs: RUNS, hash_ms: Math.round(hashMs), verify_ms: Math.round(verifyMs) }));
  expect(hashMs).toBeGreaterThan(0);
  // A guard against a parameter change that would stall every login (well above the figure on slow machines).
  expect(hashMs).toBeLessThan(2000);
});
