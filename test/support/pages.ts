/** What every HTML page the Worker serves must send (src/lib/html-page.ts). */
import { expect } from 'vitest';

export function expectPageHeaders(headers: Headers, formTargets: string[] = []) {
  expect(headers.get('content-type')).toContain('text/html');
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  const csp = Object.fromEntries(
    headers
      .get('content-security-policy')!
      .split(';')
      .map((directive) => directive.trim().split(/\s+/))
      .map(([name, ...sources]) => [name, sources]),
  );
  expect(csp['default-src']).toEqual(["'none'"]);
  expect(csp['script-src']).toBeUndefined();
  expect(csp['style-src']).toEqual([expect.stringMatching(/^'sha256-[A-Za-z0-9+/]{43}='$/)]);
  expect(csp['frame-ancestors']).toEqual(["'none'"]);
  expect(csp['base-uri']).toEqual(["'none'"]);
  expect(csp['form-action']).toEqual(formTargets.length > 0 ? formTargets : ["'none'"]);
}
