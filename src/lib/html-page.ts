/**
 * The one way the Worker answers with an HTML page (the local payments pages, the Connect return pages):
 * it wraps the page in the shared document shell and sends the security headers with it, so no page can forget
 * them or loosen them by accident. /docs is a static asset and never reaches the Worker: public/_headers sends it
 * the same headers, loosened only for Scalar's script (docs/openapi.md).
 */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export interface HtmlPage {
  title: string;
  /** The page's whole stylesheet, inlined; the CSP allows exactly this text (by its SHA-256) and no other style. */
  style: string;
  /** The body's HTML, already escaped (a hono `html` template, or a string built with escapeHtml). */
  body: string | Promise<string>;
  /**
   * Origins the page's forms may send to, including where the form's POST is redirected afterwards (browsers
   * check form-action on redirects too). None: the page has no form and may send none.
   */
  formTargets?: string[];
}

export const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

async function sha256Source(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return `'sha256-${btoa(String.fromCharCode(...new Uint8Array(digest)))}'`;
}

/** An http(s) URL's origin as a CSP source, or null for anything else (never copies raw input into the header). */
export function formTarget(url: string): string | null {
  try {
    const { protocol, origin } = new URL(url);
    return protocol === 'https:' || protocol === 'http:' ? origin : null;
  } catch {
    return null;
  }
}

/**
 * No scripts at all (the pages need none, so none may run, inline or injected); the one inline stylesheet by hash;
 * nothing loaded from anywhere; never framed (clickjacking a Pay button); forms only to the listed origins.
 */
async function contentSecurityPolicy(page: HtmlPage): Promise<string> {
  const targets = [...new Set(page.formTargets ?? [])];
  return [
    "default-src 'none'",
    `style-src ${await sha256Source(page.style)}`,
    // The browser asks for /favicon.ico on its own; the shell points it at an empty data: icon instead.
    'img-src data:',
    "base-uri 'none'",
    `form-action ${targets.length > 0 ? targets.join(' ') : "'none'"}`,
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * Renders the page with its headers. nosniff comes with every response (app.ts); Referrer-Policy no-referrer
 * because the local payment links carry their signed token in the query, which a Referer would hand to the
 * payer's next site.
 */
export async function htmlResponse(c: Context, page: HtmlPage, status: ContentfulStatusCode = 200): Promise<Response> {
  const document = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(page.title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<style>${page.style}</style></head>
<body>${await page.body}</body></html>`;
  return c.html(document, status, {
    'Content-Security-Policy': await contentSecurityPolicy(page),
    'Referrer-Policy': 'no-referrer',
  });
}
