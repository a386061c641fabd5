/**
 * Evidence files: upload (multipart, REST; base64, MCP), listing, reading, downloading with credentials or a signed
 * link, who may see and upload what, size and type limits checked against the bytes, file attachments on messages
 * and submissions, required evidence, and Idempotency-Key on uploads.
 */
import { describe, expect, it } from 'vitest';
import { signDownloadLink } from '../src/services/files/download-links';
import { MAX_FILE_BYTES } from '../src/services/files/files';
import { call, env, BASE } from './support/api';
import { callTool, mcpClient } from './support/mcp';
import { createTask, fundTask, quickAccount, quickVerifiedProfessional, taskAt } from './support/tasks';

const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9]);
const PDF = new TextEncoder().encode('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const HTML = new TextEncoder().encode('<!doctype html><script>alert(document.cookie)</script>');

const sha256Hex = async (bytes: Uint8Array) =>
  Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) => b.toString(16).padStart(2, '0')).join('');

function form(bytes: Uint8Array, name: string, type: string, extra: Record<string, string> = {}): FormData {
  const data = new FormData();
  data.set('file', new File([bytes], name, { type }));
  for (const [key, value] of Object.entries(extra)) data.set(key, value);
  return data;
}

const upload = (who: { token: string }, taskId: string, bytes: Uint8Array, name = 'photo.png', type = 'image/png', headers: Record<string, string> = {}) =>
  call(`/api/v1/tasks/${taskId}/files`, { method: 'POST', token: who.token, form: form(bytes, name, type), headers });

/** The path and query of a signed url (call() takes a path under BASE). */
const pathOf = (url: string) => url.slice(new URL(url).origin.length);

const submit = (pro: { token: string }, taskId: string, attachments: unknown[]) =>
  call(`/api/v1/tasks/${taskId}/submit`, { token: pro.token, body: { text: 'Meter read twice, photos attached.', attachments } });

/** A funded task accepted by a professional, created with `overrides` (e.g. required_evidence). */
async function inProgress(overrides: Record<string, unknown> = {}) {
  const owner = await quickAccount('ai_client');
  const pro = await quickVerifiedProfessional();
  const task = await createTask(owner, overrides);
  await fundTask(owner, task.id, 15);
  const accepted = await call(`/api/v1/tasks/${task.id}/accept`, { method: 'POST', token: pro.token });
  expect(accepted.status).toBe(200);
  return { owner, pro, taskId: task.id as string, task };
}

describe('POST /api/v1/tasks/{id}/files and the download', () => {
  it('stores the bytes and gives back exactly them, with headers that never let a browser render them', async () => {
    const { owner, pro, taskId } = await taskAt('in_progress');
    const res = await upload(pro, taskId, PNG, 'meter.png', 'image/png');
    expect(res.status).toBe(201);
    const file = res.body;
    expect(file).toMatchObject({ object: 'file', task_id: taskId, name: 'meter.png', content_type: 'image/png', kind: 'photo', size: PNG.byteLength, uploaded_by: pro.id });
    expect(file.id).toMatch(/^file_[0-9A-Za-z]{16}$/);
    expect(file.sha256).toBe(await sha256Hex(PNG));

    for (const who of [owner, pro]) {
      const download = await call(`/api/v1/files/${file.id}/content`, { token: who.token });
      expect(download.status).toBe(200);
      expect(download.bytes).toEqual(PNG);
      expect(download.headers.get('content-type')).toBe('image/png');
      expect(download.headers.get('content-length')).toBe(String(PNG.byteLength));
      expect(download.headers.get('content-disposition')).toBe(`attachment; filename="meter.png"; filename*=UTF-8''meter.png`);
      expect(download.headers.get('x-content-type-options')).toBe('nosniff');
      expect(download.headers.get('content-security-policy')).toContain('sandbox');
    }

    const read = await call(`/api/v1/files/${file.id}`, { token: owner.token });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: file.id, size: PNG.byteLength, sha256: file.sha256 });
    const list = await call(`/api/v1/tasks/${taskId}/files`, { token: owner.token });
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 1, has_more: false });
    expect(list.body.data.map((f: { id: string }) => f.id)).toEqual([file.id]);
  });

  it('names the type from the extension when the part declares none, and keeps only the base name', async () => {
    const { pro, taskId } = await taskAt('in_progress');
    const pdf = await upload(pro, taskId, PDF, 'C:\\scans\\invoice.pdf', 'application/octet-stream');
    expect(pdf.status).toBe(201);
    expect(pdf.body).toMatchObject({ name: 'invoice.pdf', content_type: 'application/pdf', kind: 'document' });
    const notes = await upload(pro, taskId, new TextEncoder().encode('reading: 04512 kWh\nnext: 2026-04-01\n'), 'notes/ünïcode notes.txt', '');
    expect(notes.status).toBe(201);
    expect(notes.body).toMatchObject({ name: 'ünïcode notes.txt', content_type: 'text/plain', kind: 'document' });
    const text = await call(`/api/v1/files/${notes.body.id}/content`, { token: pro.token });
    expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(text.headers.get('content-disposition')).toBe(`attachment; filename="_n_code notes.txt"; filename*=UTF-8''${encodeURIComponent('ünïcode notes.txt')}`);
    const jpg = await upload(pro, taskId, JPEG, 'photo.jpg', 'image/jpg');
    expect(jpg.body).toMatchObject({ content_type: 'image/jpeg', kind: 'photo' });
  });
});

describe('signed download links', () => {
  it('work without credentials until they expire, and not at all when altered', async () => {
    const { owner, taskId } = await taskAt('listed');
    const { body: file } = await upload(owner, taskId, PDF, 'brief.pdf', 'application/pdf');
    expect(new URL(file.url).searchParams.get('expires')).toBe(String(Date.parse(file.url_expires_at) / 1000));
    expect(Date.parse(file.url_expires_at) - Date.now()).toBeGreaterThan(3500_000);

    const ok = await call(pathOf(file.url));
    expect(ok.status).toBe(200);
    expect(ok.bytes).toEqual(PDF);

    const url = new URL(file.url);
    const signature = url.searchParams.get('signature')!;
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('A') ? 'B' : 'A'}`;
    const later = String(Number(url.searchParams.get('expires')) + 60);
    for (const query of [`expires=${later}&signature=${signature}`, `expires=${url.searchParams.get('expires')}&signature=${flipped}`, `signature=${signature}`, `expires=${later}`]) {
      const bad = await call(`/api/v1/files/${file.id}/content?${query}`);
      expect(bad.status, query).toBe(403);
      expect(bad.body.error).toMatchObject({ code: 'FORBIDDEN', message: 'This download link is not valid.' });
    }

    const other = await upload(owner, taskId, PNG);
    const borrowed = await call(`/api/v1/files/${other.body.id}/content${url.search}`);
    expect(borrowed.status).toBe(403);

    const old = await signDownloadLink(env, BASE, file.id, Date.now() - 2 * 3600_000);
    const expired = await call(pathOf(old.url));
    expect(expired.status).toBe(403);
    expect(expired.body.error.message).toMatch(/expired/);

    // Without a link and without credentials it is the usual 401.
    expect((await call(`/api/v1/files/${file.id}/content`)).status).toBe(401);
  });
});

describe('who sees and who uploads', () => {
  it("another account's task and file are 404, the same as ids that do not exist", async () => {
    const { owner, pro, taskId } = await taskAt('in_progress');
    const { body: file } = await upload(owner, taskId, PNG);
    const stranger = await quickAccount('ai_client');
    const otherPro = await quickVerifiedProfessional('Omar Diaz');
    for (const who of [stranger, otherPro]) {
      expect((await upload(who, taskId, PNG)).status).toBe(404);
      expect((await call(`/api/v1/tasks/${taskId}/files`, { token: who.token })).status).toBe(404);
      const read = await call(`/api/v1/files/${file.id}`, { token: who.token });
      expect(read.status).toBe(404);
      expect(read.body.error.message).toBe('File not found.');
      expect((await call(`/api/v1/files/${file.id}/content`, { token: who.token })).status).toBe(404);
    }
    const unknown = await call('/api/v1/files/file_0000000000000000', { token: owner.token });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toBe('File not found.');
    expect((await call('/api/v1/files/file_0000000000000000/content', { token: owner.token })).status).toBe(404);
    const admin = await quickAccount('admin');
    expect((await call(`/api/v1/files/${file.id}`, { token: admin.token })).status).toBe(200);
    expect((await upload(admin, taskId, PNG)).status).toBe(403);
    expect((await call(`/api/v1/files/${file.id}`, { token: pro.token })).status).toBe(200);
  });

  it("a verified professional sees a listed task's files but may not upload; once another accepts, they see nothing", async () => {
    const { owner, taskId } = await taskAt('listed');
    const { body: brief } = await upload(owner, taskId, PDF, 'brief.pdf', 'application/pdf');
    const market = await quickVerifiedProfessional('Omar Diaz');
    expect((await call(`/api/v1/files/${brief.id}`, { token: market.token })).status).toBe(200);
    const refused = await upload(market, taskId, PNG);
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toMatch(/owner or the assigned professional/);

    const winner = await quickVerifiedProfessional('Sarah Miller');
    expect((await call(`/api/v1/tasks/${taskId}/accept`, { method: 'POST', token: winner.token })).status).toBe(200);
    expect((await call(`/api/v1/files/${brief.id}`, { token: market.token })).status).toBe(404);
    expect((await call(`/api/v1/files/${brief.id}/content`, { token: winner.token })).bytes).toEqual(PDF);
  });

  it('a completed or canceled task keeps its files readable and takes no more (409)', async () => {
    for (const stage of ['completed', 'canceled'] as const) {
      const { owner, taskId } = await taskAt(stage);
      const res = await upload(owner, taskId, PNG);
      expect(res.status).toBe(409);
      expect(res.body.error.code).toBe('INVALID_STATE');
    }
  });
});

describe('limits: size and type, checked against the bytes', () => {
  it(`refuses a file over ${MAX_FILE_BYTES / 1024 / 1024} MiB with 413 and takes one of exactly that size`, async () => {
    const { pro, taskId } = await taskAt('in_progress');
    const big = new Uint8Array(MAX_FILE_BYTES + 1);
    big.set(PNG);
    const res = await upload(pro, taskId, big);
    expect(res.status).toBe(413);
    expect(res.body.error).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', message: 'A file may be at most 10 MiB.' });
    const exact = await upload(pro, taskId, big.subarray(0, MAX_FILE_BYTES));
    expect(exact.status).toBe(201);
    expect(exact.body.size).toBe(MAX_FILE_BYTES);
    const huge = await upload(pro, taskId, new Uint8Array(MAX_FILE_BYTES + 64 * 1024));
    expect(huge.status).toBe(413);
    const list = await call(`/api/v1/tasks/${taskId}/files`, { token: pro.token });
    expect(list.body.total).toBe(1);
  });

  it('holds at most 100 files per task, even when the last uploads race', async () => {
    const { pro, taskId } = await taskAt('in_progress');
    const note = (n: number) => upload(pro, taskId, new TextEncoder().encode(`note ${n}\n`), `note-${n}.txt`, 'text/plain');
    // A few at a time up to 97 (the suite shares one Postgres), then six racing for the last three places.
    for (let n = 0; n < 97; n += 5) {
      const batch = await Promise.all(Array.from({ length: Math.min(5, 97 - n) }, (_, i) => note(n + i)));
      expect(batch.map((r) => r.status).every((s) => s === 201)).toBe(true);
    }
    const race = await Promise.all(Array.from({ length: 6 }, (_, i) => note(100 + i)));
    expect(race.filter((r) => r.status === 201)).toHaveLength(3);
    const refused = race.filter((r) => r.status === 409);
    expect(refused).toHaveLength(3);
    expect(refused[0]!.body.error).toMatchObject({ code: 'CONFLICT', message: 'This task already holds 100 files, its limit.' });
    expect((await call(`/api/v1/tasks/${taskId}/files?limit=1`, { token: pro.token })).body).toMatchObject({ total: 100, has_more: true });
  });

  it('refuses other types, and a declared type the bytes contradict, with 415', async () => {
    const { pro, taskId } = await taskAt('in_progress');
    const cases: [Uint8Array, string, string][] = [
      [new TextEncoder().encode('GIF89a'), 'anim.gif', 'image/gif'],
      [new Uint8Array([0x50, 0x4b, 3, 4]), 'archive.zip', 'application/zip'],
      [HTML, 'page.html', 'text/html'],
      [HTML, 'photo.png', 'image/png'],
      [JPEG, 'photo.png', 'image/png'],
      [PNG, 'notes.txt', 'text/plain'],
      [new Uint8Array([0x4d, 0x5a, 0x90, 0]), 'setup.exe', 'application/octet-stream'],
    ];
    for (const [bytes, name, type] of cases) {
      const res = await upload(pro, taskId, bytes, name, type);
      expect(res.status, `${name} as ${type}`).toBe(415);
      expect(res.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
    const json = await call(`/api/v1/tasks/${taskId}/files`, { token: pro.token, body: { file: 'aGVsbG8=' } });
    expect(json.status).toBe(415);
    const empty = await upload(pro, taskId, new Uint8Array(0), 'empty.png');
    expect(empty.status).toBe(400);
    const extra = await call(`/api/v1/tasks/${taskId}/files`, { method: 'POST', token: pro.token, form: form(PNG, 'a.png', 'image/png', { status: 'completed' }) });
    expect(extra.status).toBe(400);
    expect(extra.body.error.details).toEqual([{ path: 'status', message: 'This field is not accepted here.' }]);
    expect((await call(`/api/v1/tasks/${taskId}/files`, { token: pro.token })).body.total).toBe(0);
  });
});

describe('file attachments and required evidence', () => {
  it('create takes required_evidence, the task shows it, and the quote validates it', async () => {
    const owner = await quickAccount('ai_client');
    const task = await createTask(owner, { required_evidence: { photos: 2 } });
    expect(task.required_evidence).toEqual({ photos: 2, documents: 0, audio: 0 });
    expect((await createTask(owner)).required_evidence).toEqual({ photos: 0, documents: 0, audio: 0 });
    for (const bad of [{ photos: 21 }, { photos: -1 }, { photos: 1.5 }, { videos: 1 }, [2]]) {
      const res = await call('/api/v1/tasks', { token: owner.token, body: { ...(await import('./support/tasks')).seedTaskBody(), required_evidence: bad } });
      expect(res.status, JSON.stringify(bad)).toBe(400);
      expect(res.body.error.details[0].path).toMatch(/^required_evidence/);
    }
    const quote = await call('/api/v1/tasks/quote', { token: owner.token, body: { ...(await import('./support/tasks')).seedTaskBody(), required_evidence: { photos: 99 } } });
    expect(quote.status).toBe(200);
    expect(quote.body.valid).toBe(false);
    expect(quote.body.errors.map((e: { path: string }) => e.path)).toEqual(['required_evidence.photos']);
  });

  it('submit is refused without the required uploaded photos (links do not count) and accepted with them', async () => {
    const { owner, pro, taskId } = await inProgress({ required_evidence: { photos: 2 } });
    const none = await submit(pro, taskId, []);
    expect(none.status).toBe(409);
    expect(none.body.error).toMatchObject({ code: 'EVIDENCE_REQUIRED', details: [{ path: 'required_evidence.photos', message: '2 required, 0 attached.' }] });

    const first = (await upload(pro, taskId, PNG, 'before.png')).body;
    const pdf = (await upload(pro, taskId, PDF, 'report.pdf', 'application/pdf')).body;
    const links = await submit(pro, taskId, [{ file_id: first.id }, { file_id: first.id }, { file_id: pdf.id }, { name: 'after.png', url: 'https://files.example.com/after.png' }]);
    expect(links.status).toBe(409);
    expect(links.body.error.details).toEqual([{ path: 'required_evidence.photos', message: '2 required, 1 attached.' }]);

    const ownersPhoto = (await upload(owner, taskId, JPEG, 'reference.jpg', 'image/jpeg')).body;
    const borrowed = await submit(pro, taskId, [{ file_id: first.id }, { file_id: ownersPhoto.id }]);
    expect(borrowed.status).toBe(400);
    expect(borrowed.body.error.details).toEqual([{ path: 'attachments.1.file_id', message: expect.stringMatching(/uploaded by you to this task/) }]);

    const second = (await upload(pro, taskId, JPEG, 'after.jpg', 'image/jpeg')).body;
    const done = await submit(pro, taskId, [{ file_id: first.id }, { file_id: second.id, name: 'After repair' }, { name: 'log', url: 'https://files.example.com/log.txt' }]);
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('submitted');
    const [deliverable] = done.body.deliverables;
    expect(deliverable.attachments).toEqual([
      { name: 'before.png', url: `${BASE}/api/v1/files/${first.id}/content`, file_id: first.id, content_type: 'image/png', size: PNG.byteLength },
      { name: 'After repair', url: `${BASE}/api/v1/files/${second.id}/content`, file_id: second.id, content_type: 'image/jpeg', size: JPEG.byteLength },
      { name: 'log', url: 'https://files.example.com/log.txt' },
    ]);
    // The stored url is the content URL: the owner fetches it with their own credentials.
    const fetched = await call(pathOf(deliverable.attachments[1].url), { token: owner.token });
    expect(fetched.bytes).toEqual(JPEG);
  });

  it("a file of another task is not the author's file on this one (400), and a task without requirements takes any submission", async () => {
    const a = await inProgress();
    const b = await inProgress();
    const elsewhere = (await upload(b.pro, b.taskId, PNG)).body;
    const res = await submit(a.pro, a.taskId, [{ file_id: elsewhere.id }]);
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].path).toBe('attachments.0.file_id');
    expect((await submit(a.pro, a.taskId, [])).status).toBe(200);
  });

  it('a message carries an uploaded file of its author, and refuses anyone else\'s', async () => {
    const { owner, pro, taskId } = await taskAt('in_progress');
    const file = (await upload(pro, taskId, PDF, 'quote.pdf', 'application/pdf')).body;
    const sent = await call(`/api/v1/tasks/${taskId}/messages`, { token: pro.token, body: { text: 'The quote from the plumber.', attachments: [{ file_id: file.id }] } });
    expect(sent.status).toBe(201);
    expect(sent.body.attachments).toEqual([{ name: 'quote.pdf', url: `${BASE}/api/v1/files/${file.id}/content`, file_id: file.id, content_type: 'application/pdf', size: PDF.byteLength }]);
    const listed = await call(`/api/v1/tasks/${taskId}/messages`, { token: owner.token });
    expect(listed.body.data[0].attachments[0].file_id).toBe(file.id);
    const notTheirs = await call(`/api/v1/tasks/${taskId}/messages`, { token: owner.token, body: { text: 'Forwarding.', attachments: [{ file_id: file.id }] } });
    expect(notTheirs.status).toBe(400);
  });
});

describe('Idempotency-Key on uploads', () => {
  it('a retry of the same file (a new multipart boundary) returns the first file and stores nothing more; another file with the key is 422', async () => {
    const { pro, taskId } = await taskAt('in_progress');
    const key = { 'Idempotency-Key': `upload-${crypto.randomUUID()}` };
    const first = await upload(pro, taskId, PNG, 'meter.png', 'image/png', key);
    expect(first.status).toBe(201);
    const retry = await upload(pro, taskId, PNG, 'meter.png', 'image/png', key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body.id).toBe(first.body.id);
    const other = await upload(pro, taskId, JPEG, 'meter.png', 'image/jpeg', key);
    expect(other.status).toBe(422);
    expect((await call(`/api/v1/tasks/${taskId}/files`, { token: pro.token })).body.total).toBe(1);
  });
});

describe('MCP: upload_file, list_files, get_file', () => {
  it('an agent uploads a small file as base64, lists it and reads it with a working link', async () => {
    const { owner, taskId } = await taskAt('listed');
    const client = await mcpClient(owner.token);
    const base64 = btoa(String.fromCharCode(...PDF));
    const args = { task_id: taskId, name: 'floor-plan.pdf', content_base64: base64, idempotency_key: `mcp-${crypto.randomUUID()}` };
    const uploaded = await callTool(client, 'upload_file', args);
    expect(uploaded.ok).toBe(true);
    if (!uploaded.ok) return;
    expect(uploaded.data).toMatchObject({ object: 'file', name: 'floor-plan.pdf', content_type: 'application/pdf', size: PDF.byteLength, uploaded_by: owner.id });
    const again = await callTool(client, 'upload_file', args);
    expect(again.ok && again.data.id).toBe(uploaded.data.id);

    const listed = await callTool(client, 'list_files', { task_id: taskId });
    expect(listed.ok && listed.data.data.map((f: { id: string }) => f.id)).toEqual([uploaded.data.id]);
    const read = await callTool(client, 'get_file', { file_id: uploaded.data.id });
    expect(read.ok).toBe(true);
    const content = await call(pathOf(read.ok ? read.data.url : ''));
    expect(content.bytes).toEqual(PDF);

    const lying = await callTool(client, 'upload_file', { task_id: taskId, name: 'x.png', content_type: 'image/png', content_base64: btoa('<html></html>') });
    expect(!lying.ok && lying.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const garbage = await callTool(client, 'upload_file', { task_id: taskId, name: 'x.pdf', content_base64: 'not base64!' });
    expect(!garbage.ok && garbage.error.code).toBe('VALIDATION_ERROR');
    const stranger = await mcpClient((await quickAccount('ai_client')).token);
    const hidden = await callTool(stranger, 'get_file', { file_id: uploaded.data.id });
    expect(!hidden.ok && hidden.error.code).toBe('NOT_FOUND');
  });
});
