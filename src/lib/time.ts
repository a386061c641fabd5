/** Wire format for instants: ISO 8601 UTC to the second (`2026-03-10T17:00:00Z`), as the contract shows. */
export const iso = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

export const isoOrNull = (date: Date | null): string | null => (date ? iso(date) : null);
