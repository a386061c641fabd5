/**
 * Stripe's request encoding, read back: application/x-www-form-urlencoded with bracketed keys
 * (`metadata[task_id]=x`, `line_items[0][price_data][unit_amount]=500`) for bodies and query strings alike.
 */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

export function parseStripeForm(encoded: string): FormObject {
  const root: FormObject = {};
  for (const [key, value] of new URLSearchParams(encoded)) {
    const path = (key.match(/^[^[]+|\[[^\]]*\]/g) ?? [key]).map((part) => (part.startsWith('[') ? part.slice(1, -1) : part));
    let node: Record<string, FormValue> | FormValue[] = root;
    path.forEach((segment, i) => {
      const container = node as Record<string, FormValue>;
      if (i === path.length - 1) {
        container[segment] = value;
        return;
      }
      container[segment] ??= /^\d+$/.test(path[i + 1]!) ? [] : {};
      node = container[segment] as Record<string, FormValue>;
    });
  }
  return root;
}

/** Key-order-independent fingerprint, so "the same parameters" means the same values, as at Stripe. */
export function fingerprint(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(fingerprint).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${fingerprint(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
