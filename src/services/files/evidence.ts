/**
 * Required evidence: a task may ask that its submission reference uploaded files of given kinds, e.g.
 * { photos: 2, documents: 0, audio: 0 } for "two photos of the meter". Only uploaded files count (attachments with
 * a file_id, checked to be the professional's own files on the task), each file once, by the kind its bytes proved
 * on upload; links to elsewhere never do, since nothing vouches for what is behind them. Each submission stands on
 * its own: a resubmission after a revision request carries its evidence again (it may reference the same files).
 */
import type { Attachment, FileKind, RequiredEvidence } from '../../db/schema';
import { ApiError } from '../../lib/errors';
import { MEDIA_TYPES } from './media-types';

export const NO_EVIDENCE: RequiredEvidence = { photos: 0, documents: 0, audio: 0 };

/** The most of one kind a task may ask for (a submission holds at most 20 attachments). */
export const MAX_REQUIRED_PER_KIND = 20;

const FIELD_OF: Record<FileKind, keyof RequiredEvidence> = { photo: 'photos', document: 'documents', audio: 'audio' };

/** 409 EVIDENCE_REQUIRED naming each kind short, unless the attachments meet the requirement. */
export function requireEvidence(required: RequiredEvidence, attachments: Attachment[]): void {
  const counted: RequiredEvidence = { ...NO_EVIDENCE };
  const seen = new Set<string>();
  for (const a of attachments) {
    if (!a.file_id || !a.content_type || seen.has(a.file_id)) continue;
    seen.add(a.file_id);
    const kind = MEDIA_TYPES[a.content_type]?.kind;
    if (kind) counted[FIELD_OF[kind]] += 1;
  }
  const short = (Object.keys(NO_EVIDENCE) as (keyof RequiredEvidence)[]).filter((field) => counted[field] < required[field]);
  if (short.length === 0) return;
  const details = short.map((field) => ({ path: `required_evidence.${field}`, message: `${required[field]} required, ${counted[field]} attached.` }));
  throw new ApiError(
    'EVIDENCE_REQUIRED',
    `This task requires uploaded evidence: ${short.map((f) => `${required[f]} ${f}`).join(', ')}. Upload with POST /api/v1/tasks/{id}/files and attach each as { "file_id": "file_..." }.`,
    { details },
  );
}
