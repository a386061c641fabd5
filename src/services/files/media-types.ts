/**
 * The file types evidence may be, and how their bytes prove it. A declared Content-Type is the uploader's word; for
 * every binary type the first bytes must carry that format's signature, so a file cannot pass as a photo while being
 * something else (an HTML page, a script, an executable). Text types must be valid UTF-8 with no NUL bytes.
 */
import type { FileKind } from '../../db/schema';

type Sniff = (bytes: Uint8Array) => boolean;

interface MediaType {
  kind: FileKind;
  /** Extensions that name this type when the upload declares none (curl -F sends application/octet-stream). */
  extensions: string[];
  /** The bytes' signature; text types have none and are checked as UTF-8 instead. */
  sniff: Sniff | null;
}

const ascii = (bytes: Uint8Array, at: number, text: string) => text.split('').every((ch, i) => bytes[at + i] === ch.charCodeAt(0));
const startsWith = (bytes: Uint8Array, signature: number[]) => signature.every((b, i) => bytes[i] === b);

/** ISO base media files (HEIC, M4A) open with a box of type `ftyp` whose major brand names the format. */
const ftypBrand = (bytes: Uint8Array): string | null =>
  bytes.length >= 12 && ascii(bytes, 4, 'ftyp') ? String.fromCharCode(...bytes.subarray(8, 12)) : null;

const HEIF_BRANDS = ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'];
const MP4_AUDIO_BRANDS = ['M4A ', 'M4B ', 'mp41', 'mp42', 'isom', 'iso2', 'dash'];

/** MPEG audio: an ID3 tag, or a frame header (11 set sync bits). */
const isMpegAudio: Sniff = (b) => ascii(b, 0, 'ID3') || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0);

/** Canonical content type -> its kind and signature. */
export const MEDIA_TYPES: Record<string, MediaType> = {
  'image/png': { kind: 'photo', extensions: ['png'], sniff: (b) => startsWith(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  'image/jpeg': { kind: 'photo', extensions: ['jpg', 'jpeg'], sniff: (b) => startsWith(b, [0xff, 0xd8, 0xff]) },
  'image/webp': { kind: 'photo', extensions: ['webp'], sniff: (b) => ascii(b, 0, 'RIFF') && ascii(b, 8, 'WEBP') },
  'image/heic': { kind: 'photo', extensions: ['heic', 'heif'], sniff: (b) => HEIF_BRANDS.includes(ftypBrand(b) ?? '') },
  'application/pdf': { kind: 'document', extensions: ['pdf'], sniff: (b) => ascii(b, 0, '%PDF-') },
  'text/plain': { kind: 'document', extensions: ['txt'], sniff: null },
  'text/csv': { kind: 'document', extensions: ['csv'], sniff: null },
  'text/markdown': { kind: 'document', extensions: ['md', 'markdown'], sniff: null },
  'audio/mpeg': { kind: 'audio', extensions: ['mp3'], sniff: isMpegAudio },
  'audio/wav': { kind: 'audio', extensions: ['wav'], sniff: (b) => ascii(b, 0, 'RIFF') && ascii(b, 8, 'WAVE') },
  'audio/mp4': { kind: 'audio', extensions: ['m4a', 'mp4'], sniff: (b) => MP4_AUDIO_BRANDS.includes(ftypBrand(b) ?? '') },
  'audio/ogg': { kind: 'audio', extensions: ['ogg', 'oga', 'opus'], sniff: (b) => ascii(b, 0, 'OggS') },
  'audio/webm': { kind: 'audio', extensions: ['webm'], sniff: (b) => startsWith(b, [0x1a, 0x45, 0xdf, 0xa3]) },
};

/** Other names clients send for the same types. */
const ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/heif': 'image/heic',
  'audio/mp3': 'audio/mpeg',
  'audio/x-wav': 'audio/wav',
  'audio/wave': 'audio/wav',
  'audio/vnd.wave': 'audio/wav',
  'audio/x-m4a': 'audio/mp4',
  'audio/m4a': 'audio/mp4',
  'text/x-markdown': 'text/markdown',
};

/** Types that say nothing about the content: the extension, then the bytes, decide. */
const UNDECLARED = new Set(['', 'application/octet-stream']);

export const ACCEPTED_TYPES = Object.keys(MEDIA_TYPES);

const isUtf8Text = (bytes: Uint8Array): boolean => {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
    return true;
  } catch {
    return false;
  }
};

export type Classified = { ok: true; contentType: string; kind: FileKind } | { ok: false; reason: string };

const extensionOf = (name: string) => (name.includes('.') ? name.split('.').pop()!.toLowerCase() : '');

/**
 * The canonical type and kind of an upload, from what it declares (its part's Content-Type, else its name's
 * extension) checked against its bytes; or why it is refused.
 */
export function classify(declared: string, name: string, bytes: Uint8Array): Classified {
  const essence = declared.split(';')[0]!.trim().toLowerCase();
  let type = ALIASES[essence] ?? essence;
  if (UNDECLARED.has(type)) {
    const ext = extensionOf(name);
    const byExtension = ACCEPTED_TYPES.find((t) => MEDIA_TYPES[t]!.extensions.includes(ext));
    if (!byExtension) return { ok: false, reason: `The file declares no type and its name (.${ext || '?'}) names none accepted. Accepted: ${ACCEPTED_TYPES.join(', ')}.` };
    type = byExtension;
  }
  const media = MEDIA_TYPES[type];
  if (!media) return { ok: false, reason: `${essence} files are not accepted. Accepted: ${ACCEPTED_TYPES.join(', ')}.` };
  const genuine = media.sniff ? media.sniff(bytes) : isUtf8Text(bytes);
  if (!genuine) {
    return { ok: false, reason: media.sniff ? `The file's bytes are not ${type}: its content does not start the way that format does.` : `The file is not ${type}: it must be UTF-8 text without NUL bytes.` };
  }
  return { ok: true, contentType: type, kind: media.kind };
}
