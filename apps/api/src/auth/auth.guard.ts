import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { roleHas, type MediaSigner, type Principal } from '@shotmatrix/auth';
import { DomainError } from '@shotmatrix/domain';
import { MEDIA_SIGNER } from '../common/tokens';
import { ACCESS_KEY, type AccessRule } from './access.decorator';
import { bearerToken, sessionCookie } from './cookies';
import { requestContext } from './request-context';
import { SessionsService } from './sessions.service';

/** The storage key a media request names (everything after /api/media/); a malformed escape is a 400. */
export function mediaKeyOf(req: Request): string {
  try {
    return decodeURIComponent(req.path.replace(/^\/api\/media\//, ''));
  } catch {
    throw new DomainError('MEDIA_KEY_INVALID', 'the media path is not validly escaped');
  }
}

/**
 * The one gate in front of every endpoint. A route that says nothing about
 * access is refused (the lint rule catches it first); a permission needs a
 * session or API token whose role holds it. Market scope is the services'
 * business, since only they know which market a variant belongs to.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly sessions: SessionsService,
    @Inject(MEDIA_SIGNER) private readonly signer: MediaSigner,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [ctx.getHandler(), ctx.getClass()]);
    const req = ctx.switchToHttp().getRequest<Request & { principal?: Principal; authVia?: 'session' | 'api-token' }>();
    if (!rule) throw new DomainError('UNGUARDED_ROUTE', `${req.method} ${req.path} declares no access rule, so nobody may call it`, 'forbidden');
    if (rule.kind === 'public') return true;
    if (rule.kind === 'signed-media') {
      const check = this.signer.verify(mediaKeyOf(req), req.query.exp, req.query.sig);
      if (check === 'ok') return true;
      const why = { missing: 'is not signed', expired: 'has expired', 'bad-signature': 'has a wrong signature' }[check];
      throw new DomainError('MEDIA_URL_INVALID', `this media link ${why}; reload the page to get a fresh one`, 'forbidden');
    }
    const bearer = bearerToken(req);
    const token = bearer ?? sessionCookie(req);
    const principal = token ? await this.sessions.resolve(token) : null;
    if (!principal) throw new DomainError('UNAUTHENTICATED', token ? 'your session has ended; sign in again' : 'sign in first', 'unauthenticated');
    if (!roleHas(principal.role, rule.permission)) {
      throw new DomainError('FORBIDDEN', `a ${principal.role} may not do this (it needs ${rule.permission})`, 'forbidden');
    }
    req.principal = principal;
    req.authVia = bearer ? 'api-token' : 'session';
    const store = requestContext();
    if (store) store.principal = principal;
    return true;
  }
}
