/** In-memory file store behind /v1/files (kept on disk by `state.ts` when the simulator has a state folder). */
import { randomBytes } from 'node:crypto';
import { badRequest, notFound } from './http.js';
import { multipartBoundary, parseMultipart } from './multipart.js';

export type FileObject = {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  status: 'processed';
  status_details: null;
  expires_at: null;
};

type StoredFile = { meta: FileObject; data: Buffer };

const PURPOSES = new Set(['fine-tune', 'assistants', 'batch', 'vision', 'user_data', 'evals']);

export class FileStore {
  private readonly files = new Map<string, StoredFile>();

  get size(): number {
    return this.files.size;
  }

  /** Stores the `file` part of a multipart upload with its `purpose`. */
  upload(contentType: string | undefined, body: Buffer): FileObject {
    const boundary = multipartBoundary(contentType);
    if (!boundary) throw badRequest('Uploads must be multipart/form-data with a boundary.', 'file');
    const parts = parseMultipart(body, boundary);
    const file = parts.find((p) => p.name === 'file');
    if (!file) throw badRequest("Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
    const purpose = parts.find((p) => p.name === 'purpose')?.data.toString('utf8').trim();
    if (!purpose) throw badRequest("Missing required parameter: 'purpose'.", 'purpose', 'missing_required_parameter');
    if (!PURPOSES.has(purpose)) throw badRequest(`Invalid purpose: '${purpose}'.`, 'purpose', 'invalid_value');
    const meta: FileObject = {
      id: `file-${randomBytes(12).toString('hex')}`,
      object: 'file',
      bytes: file.data.length,
      created_at: Math.floor(Date.now() / 1000),
      filename: file.filename ?? 'upload',
      purpose,
      status: 'processed',
      status_details: null,
      expires_at: null,
    };
    this.files.set(meta.id, { meta, data: Buffer.from(file.data) });
    return meta;
  }

  /** Stores a file the server itself writes (a batch's output and error files). */
  create(filename: string, purpose: string, data: Buffer): FileObject {
    const meta: FileObject = {
      id: `file-${randomBytes(12).toString('hex')}`,
      object: 'file',
      bytes: data.length,
      created_at: Math.floor(Date.now() / 1000),
      filename,
      purpose,
      status: 'processed',
      status_details: null,
      expires_at: null,
    };
    this.files.set(meta.id, { meta, data });
    return meta;
  }

  get(id: string): FileObject {
    return this.stored(id).meta;
  }

  content(id: string): Buffer {
    return this.stored(id).data;
  }

  list(): FileObject[] {
    return [...this.files.values()].map((f) => f.meta);
  }

  delete(id: string): { id: string; object: 'file'; deleted: true } {
    this.stored(id);
    this.files.delete(id);
    return { id, object: 'file', deleted: true };
  }

  /** Puts back a file saved by `state.ts`. */
  restore(meta: FileObject, data: Buffer): void {
    this.files.set(meta.id, { meta, data });
  }

  private stored(id: string): StoredFile {
    const file = this.files.get(id);
    if (!file) throw notFound(`No such File object: ${id}`, 'file_not_found', 'file_id');
    return file;
  }
}
