import { createParamDecorator, type ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Permission, Principal } from '@shotmatrix/auth';

export const ACCESS_KEY = 'shotmatrix:access';

/** How an endpoint is authorised; every route must carry one (lint rule `shotmatrix/guarded-routes`, and the guard fails closed). */
export type AccessRule = { kind: 'permission'; permission: Permission } | { kind: 'public' } | { kind: 'signed-media' };

/** Callers need a session or API token whose role holds this permission (markets are checked by the service). */
export const Access = (permission: Permission) => SetMetadata(ACCESS_KEY, { kind: 'permission', permission } satisfies AccessRule);
/** Deliberately open: health, sign-in, accepting an invitation. */
export const Public = () => SetMetadata(ACCESS_KEY, { kind: 'public' } satisfies AccessRule);
/** Authorised by a signed, short-lived URL (for <video> and <img>, which cannot send tokens). */
export const SignedMedia = () => SetMetadata(ACCESS_KEY, { kind: 'signed-media' } satisfies AccessRule);

/** The signed-in person; only on endpoints guarded by a permission. */
export const CurrentUser = createParamDecorator((_data: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<{ principal?: Principal }>().principal;
  if (!principal) throw new Error('CurrentUser used on an endpoint that is not guarded by @Access');
  return principal;
});
