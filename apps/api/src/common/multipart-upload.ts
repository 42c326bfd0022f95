import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request } from 'express';
import busboy from 'busboy';
import { DomainError } from '@shotmatrix/domain';

export interface SpooledUpload {
  filename: string;
  path: string;
  sizeBytes: number;
  sha256: string;
  /** Removes the spooled file; safe to call twice. */
  discard(): Promise<void>;
}

/**
 * Streams the single file field of a multipart request to a temp file while
 * hashing it, so a 2 GB master never sits in memory. Rejects requests that
 * are not multipart, carry no file, or exceed `maxBytes` — and removes the
 * partial file in every failure case.
 */
export async function spoolUpload(req: Request, opts: { dir: string; maxBytes: number; field: string }): Promise<SpooledUpload> {
  if (!req.headers['content-type']?.startsWith('multipart/form-data')) {
    throw new DomainError('UPLOAD_NOT_MULTIPART', `send the file as multipart/form-data in a field named "${opts.field}"`);
  }
  await mkdir(opts.dir, { recursive: true });
  const target = path.join(opts.dir, `upload-${randomUUID()}`);
  const discard = () => rm(target, { force: true });

  try {
    return await new Promise<SpooledUpload>((resolve, reject) => {
      let bb: busboy.Busboy;
      try {
        bb = busboy({ headers: req.headers, limits: { files: 1, fileSize: opts.maxBytes, fields: 20 } });
      } catch (e) {
        reject(new DomainError('UPLOAD_MALFORMED', `the upload is not valid multipart/form-data: ${(e as Error).message}`));
        return;
      }
      let written: Promise<SpooledUpload> | null = null;
      bb.on('file', (name, stream, info) => {
        if (name !== opts.field || written) {
          stream.resume();
          return;
        }
        const hash = createHash('sha256');
        let size = 0;
        let truncated = false;
        stream.on('limit', () => {
          truncated = true;
        });
        const meter = new Transform({
          transform(chunk: Buffer, _enc, cb) {
            hash.update(chunk);
            size += chunk.length;
            cb(null, chunk);
          },
        });
        written = pipeline(stream, meter, createWriteStream(target)).then(() => {
          if (truncated) {
            throw new DomainError('UPLOAD_TOO_LARGE', `the file is larger than the ${formatBytes(opts.maxBytes)} limit`, 'too-large');
          }
          if (size === 0) throw new DomainError('UPLOAD_EMPTY', `"${info.filename}" is empty (0 bytes)`, 'unsupported-media');
          return { filename: sanitiseFilename(info.filename), path: target, sizeBytes: size, sha256: hash.digest('hex'), discard };
        });
        written.catch(() => undefined);
      });
      bb.on('error', (e) => reject(new DomainError('UPLOAD_MALFORMED', `the upload could not be read: ${(e as Error).message}`)));
      bb.on('close', () => {
        if (!written) {
          reject(new DomainError('UPLOAD_NO_FILE', `no file in the form field "${opts.field}"`));
          return;
        }
        written.then(resolve, reject);
      });
      req.on('aborted', () => reject(new DomainError('UPLOAD_ABORTED', 'the upload was interrupted')));
      req.pipe(bb);
    });
  } catch (e) {
    await discard();
    throw e;
  }
}

export function sanitiseFilename(name: string | undefined): string {
  const base = path.basename(name || 'upload').replace(/[^\p{L}\p{N}._ -]/gu, '_');
  return base.slice(0, 200) || 'upload';
}

function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(n % 1024 ** 3 ? 1 : 0)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(0)} MiB`;
  return `${n} bytes`;
}
