/**
 * Where the API may POST events (an endpoint's url, a task's callback_url), checked when the URL is given and again
 * before every attempt. Production: https only, and never localhost nor an address literal in a loopback, private,
 * link-local, CGNAT, multicast or reserved range, IPv4 embedded in IPv6 included. Development also takes http and
 * loopback, so a receiver on the same machine (and the test suite's) works.
 *
 * The WHATWG URL parser has already turned the other spellings of an IPv4 address (2130706433, 0x7f.1, 0177.0.0.1)
 * into dotted decimal and compressed IPv6, so one form of each is checked here. Host names are not resolved: Workers
 * have no DNS API, so a public name pointing at a private address passes this check. Cloudflare's fetch cannot reach
 * private networks from its edge in any case; the check keeps literal addresses out of the database and the logs.
 */
import { isProduction, type AppEnv } from '../../env';
import { ApiError } from '../../lib/errors';

export const MAX_URL_LENGTH = 2048;

type AddressClass = 'public' | 'loopback' | 'blocked';

/** Ranges never delivered to besides loopback (127/8), as [network, prefix length]. */
const BLOCKED_V4: [string, number][] = [
  ['0.0.0.0', 8], // "this network", 0.0.0.0 included
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['169.254.0.0', 16], // link-local, cloud metadata services
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast included
];

function v4ToNumber(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) return null;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

const sameNetwork = (a: number, b: number, bits: number) => Math.floor(a / 2 ** (32 - bits)) === Math.floor(b / 2 ** (32 - bits));

function classifyV4(address: number): AddressClass {
  if (sameNetwork(address, 127 * 2 ** 24, 8)) return 'loopback';
  return BLOCKED_V4.some(([network, bits]) => sameNetwork(address, v4ToNumber(network)!, bits)) ? 'blocked' : 'public';
}

/** Eight 16-bit groups of an IPv6 address as the URL parser serializes it (hex, `::` at most once); else null. */
function v6Groups(text: string): number[] | null {
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  if (![...head, ...tail].every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return null;
  return [...head, ...Array<string>(fill).fill('0'), ...tail].map((g) => parseInt(g, 16));
}

/** IPv4 carried inside an IPv6 address reaches that IPv4 host: only a public one passes. */
const viaV4 = (high: number, low: number): AddressClass => (classifyV4(high * 65536 + low) === 'public' ? 'public' : 'blocked');

function classifyV6(g: number[]): AddressClass {
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  const first = g[0]!;
  if (zeros(0, 7) && g[7] === 1) return 'loopback';
  if (zeros(0, 6)) return 'blocked'; // :: and the old IPv4-compatible form
  if (zeros(0, 5) && g[5] === 0xffff) return viaV4(g[6]!, g[7]!); // IPv4-mapped
  if (first === 0x64 && g[1] === 0xff9b) return zeros(2, 6) ? viaV4(g[6]!, g[7]!) : 'blocked'; // NAT64
  if (first === 0x2002) return viaV4(g[1]!, g[2]!); // 6to4
  if ((first & 0xfe00) === 0xfc00) return 'blocked'; // unique local fc00::/7
  if ((first & 0xffc0) === 0xfe80 || (first & 0xffc0) === 0xfec0) return 'blocked'; // link-local, old site-local
  if ((first & 0xff00) === 0xff00) return 'blocked'; // multicast
  if (first === 0x100 && zeros(1, 4)) return 'blocked'; // discard-only 100::/64
  if (first === 0x2001 && (g[1] === 0 || g[1] === 0xdb8)) return 'blocked'; // Teredo, documentation
  return 'public';
}

function classifyHost(hostname: string): AddressClass {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  if (host.startsWith('[') && host.endsWith(']')) {
    const groups = v6Groups(host.slice(1, -1));
    return groups ? classifyV6(groups) : 'blocked';
  }
  const v4 = v4ToNumber(host);
  return v4 === null ? 'public' : classifyV4(v4);
}

/** Why the API will not POST to `raw`, or null when it may. */
export function deliveryUrlProblem(raw: string, env: AppEnv): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Must be an absolute URL.';
  }
  const production = isProduction(env);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && !production)) {
    return production ? 'Must be an https URL.' : 'Must be an http or https URL.';
  }
  if (url.username || url.password) return 'Must not contain a user name or password.';
  const host = classifyHost(url.hostname);
  if (host === 'blocked' || (host === 'loopback' && production)) {
    return 'Must point to a public host: loopback, private, link-local and reserved addresses are not allowed.';
  }
  return null;
}

/** 400 VALIDATION_ERROR naming `field` unless the API may POST to `raw`. */
export function assertDeliveryUrl(env: AppEnv, raw: string, field: string): void {
  const problem = deliveryUrlProblem(raw, env);
  if (problem) throw new ApiError('VALIDATION_ERROR', `Invalid ${field}: ${problem}`, { details: [{ path: field, message: problem }] });
}
