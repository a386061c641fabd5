/**
 * /docs: the OpenAPI document rendered as one self-contained HTML page (no scripts, no CDN, so it works offline
 * and under the strict CSP htmlResponse sends). Schemas are shown as JSON; the raw document is one click away at
 * /openapi.json.
 */
import { escapeHtml, type HtmlPage } from './html-page';

type Json = Record<string, unknown>;

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem}section{border-top:1px solid #ddd;padding:.5rem 0}
.m{display:inline-block;min-width:4.5rem;font-weight:700}pre{background:#f6f6f6;padding:.5rem;overflow:auto}`;

function resolveRefs(value: unknown, components: Json, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => resolveRefs(v, components, depth + 1));
  const ref = (value as Json).$ref;
  if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
    const name = ref.slice('#/components/schemas/'.length);
    return resolveRefs((components.schemas as Json | undefined)?.[name] ?? value, components, depth + 1);
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v, components, depth + 1)]));
}

const block = (title: string, value: unknown) =>
  value === undefined ? '' : `<details><summary>${escapeHtml(title)}</summary><pre>${escapeHtml(JSON.stringify(value, null, 2))}</pre></details>`;

/** One section per operation of a `paths` or `webhooks` map (a webhook's "path" is its event type). */
function operationSections(items: Record<string, Json>, components: Json): string[] {
  const sections: string[] = [];
  for (const [path, item] of Object.entries(items)) {
    for (const [method, op] of Object.entries(item) as [string, Json][]) {
      const body = ((op.requestBody as Json | undefined)?.content as Json | undefined)?.['application/json'] as Json | undefined;
      const responses = Object.entries((op.responses ?? {}) as Record<string, Json>).map(([status, res]) => {
        const schema = ((res.content as Json | undefined)?.['application/json'] as Json | undefined)?.schema;
        return `<li><code>${escapeHtml(status)}</code> ${escapeHtml(String(res.description ?? ''))}${block('schema', resolveRefs(schema, components))}</li>`;
      });
      sections.push(`<section id="${escapeHtml(`${method}-${path}`)}">
<h3><span class="m">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>
<p>${escapeHtml(String(op.summary ?? ''))}</p>${op.description ? `<p>${escapeHtml(String(op.description))}</p>` : ''}
${block('parameters', op.parameters)}${block('request body', resolveRefs(body?.schema, components))}
<ul>${responses.join('')}</ul></section>`);
    }
  }
  return sections;
}

export function docsPage(doc: Json): HtmlPage {
  const info = (doc.info ?? {}) as Json;
  const components = (doc.components ?? {}) as Json;
  const operations = operationSections((doc.paths ?? {}) as Record<string, Json>, components);
  const webhooks = operationSections((doc.webhooks ?? {}) as Record<string, Json>, components);
  const title = String(info.title ?? 'API');
  return {
    title: `${title} docs`,
    style: STYLE,
    body: `<h1>${escapeHtml(title)} <small>${escapeHtml(String(info.version ?? ''))}</small></h1>
<p>${escapeHtml(String(info.description ?? ''))}</p><p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<h2>Operations</h2>
${operations.join('\n')}
<h2>Event webhooks</h2><p>What the API POSTs to your webhook endpoints and callback URLs.</p>
${webhooks.join('\n')}`,
  };
}
