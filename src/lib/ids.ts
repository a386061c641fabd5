/** Prefixed, URL-safe random ids (`usr_...`). 16 characters from a 62-letter alphabet: ~95 bits. */
export type IdPrefix = 'usr' | 'task' | 'sub' | 'msg' | 'key' | 'chk' | 'txn' | 'evt' | 'req' | 'whe' | 'del' | 'pay' | 'file';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function randomString(length: number): string {
  // Rejection sampling keeps every letter equally likely (256 is not a multiple of 62).
  const out: string[] = [];
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2));
    for (const byte of bytes) {
      if (byte < 248 && out.length < length) out.push(ALPHABET[byte % 62]!);
    }
  }
  return out.join('');
}

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomString(16)}`;
}
