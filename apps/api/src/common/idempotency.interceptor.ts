import { createHash } from 'node:crypto';
import { CallHandler, ExecutionContext, Injectable, NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import { DataSource } from 'typeorm';
import { canonicalJson, DomainError } from '@shotmatrix/domain';
import { requestContext } from '../auth/request-context';

const NO_IDEMPOTENCY = 'shotmatrix:no-idempotency';
/**
 * For endpoints whose answer carries a secret shown once (API tokens,
 * invitation links, webhook secrets) or sets a session: never stored, never
 * replayed; a retry makes a new one.
 */
export const NoIdempotency = () => SetMetadata(NO_IDEMPOTENCY, true);

const POLL_MS = 50;
const WAIT_MS = 60_000;

/**
 * POSTs may carry an `Idempotency-Key`: the first request with a key runs,
 * concurrent and later ones with the same key and body get its response, and
 * the same key with a different body is refused. A request that fails frees
 * its key so the client can retry.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly db: DataSource,
    private readonly reflector: Reflector,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<Request>();
    const raw = req.headers['idempotency-key'];
    if (req.method !== 'POST' || raw === undefined) return next.handle();
    if (this.reflector.getAllAndOverride<boolean>(NO_IDEMPOTENCY, [ctx.getHandler(), ctx.getClass()])) return next.handle();
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (!/^[\x21-\x7e]{1,200}$/.test(key)) {
      throw new DomainError('IDEMPOTENCY_KEY_INVALID', 'Idempotency-Key must be 1-200 visible ASCII characters');
    }
    // Per person: one user's key never replays another user's answer (the guard ran first and set who it is).
    const scope = `POST ${req.path} ${requestContext()?.principal?.id ?? 'anonymous'}`;
    return from(this.run(scope, key, requestHash(req), () => lastValueFrom(next.handle(), { defaultValue: undefined })));
  }

  private async run(scope: string, key: string, hash: string, handle: () => Promise<unknown>): Promise<unknown> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const claimed: unknown[] = await this.db.query(
        `INSERT INTO idempotency_key (scope, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING key`,
        [scope, key, hash],
      );
      if (claimed.length) return this.first(scope, key, handle);
      const [row]: Array<{ request_hash: string; status_code: number | null; response: unknown }> = await this.db.query(
        `SELECT request_hash, status_code, response FROM idempotency_key WHERE scope = $1 AND key = $2`,
        [scope, key],
      );
      if (row && row.request_hash !== hash) {
        throw new DomainError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used for a different request; use a new key', 'conflict');
      }
      if (row?.status_code != null) return row.response;
      if (Date.now() > deadline) {
        throw new DomainError('IDEMPOTENCY_IN_PROGRESS', 'the first request with this Idempotency-Key is still running; retry later', 'conflict');
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }

  private async first(scope: string, key: string, handle: () => Promise<unknown>): Promise<unknown> {
    try {
      const body = await handle();
      await this.db.query(`UPDATE idempotency_key SET status_code = 200, response = $3 WHERE scope = $1 AND key = $2`, [
        scope,
        key,
        JSON.stringify(body ?? null),
      ]);
      return body;
    } catch (e) {
      await this.db.query(`DELETE FROM idempotency_key WHERE scope = $1 AND key = $2`, [scope, key]).catch(() => undefined);
      throw e;
    }
  }
}

/** Streamed uploads are identified by their size and type (their bytes are not read here); JSON and text by content. */
function requestHash(req: Request): string {
  const h = createHash('sha256');
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('multipart/')) h.update(`multipart:${req.headers['content-length'] ?? ''}`);
  else h.update(typeof req.body === 'string' ? req.body : canonicalJson(req.body ?? null));
  return h.digest('hex');
}
