import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { Request, Response } from 'express';
import type { Principal } from '@shotmatrix/auth';
import { DomainError } from '@shotmatrix/domain';
import type { AppConfig } from '@shotmatrix/config';
import { acceptInvitationSchema, apiTokenSchema, loginSchema, type ApiTokenView, type InvitationView, type MeView } from '@shotmatrix/contracts';
import { APP_CONFIG } from '../common/tokens';
import { parseBody } from '../common/zod-body';
import { NoIdempotency } from '../common/idempotency.interceptor';
import { Access, CurrentUser, Public } from './access.decorator';
import { AccountsService, toMeView } from './accounts.service';
import { SESSION_COOKIE, bearerToken, sessionCookie, sessionCookieOptions } from './cookies';
import { SessionsService } from './sessions.service';

/**
 * Sign-in and sign-up take JSON only: a plain HTML form on another site can post
 * url-encoded bodies without a CORS preflight, and would sign a victim into an
 * account of the attacker's choosing.
 */
function requireJson(req: Request): void {
  if (!req.is('application/json')) throw new DomainError('JSON_REQUIRED', 'send the body as application/json', 'unsupported-media');
}

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly accounts: AccountsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('login')
  @Public()
  @NoIdempotency()
  @ApiBody({ schema: z.toJSONSchema(loginSchema) as object })
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with e-mail and password; sets the session cookie' })
  async login(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<MeView> {
    requireJson(req);
    const body = req.body as { email?: unknown; password?: unknown } | undefined;
    const { token, principal } = await this.sessions.login(body?.email, body?.password, req.ip ?? 'unknown');
    res.cookie(SESSION_COOKIE, token, sessionCookieOptions(this.config.auth.cookieSecure, this.config.auth.sessionTtlMs));
    return toMeView(principal);
  }

  @Post('logout')
  @Access('self')
  @HttpCode(204)
  @ApiOperation({ summary: 'End this session' })
  async logout(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<void> {
    const token = bearerToken(req) ?? sessionCookie(req);
    if (token) await this.sessions.logout(token);
    res.clearCookie(SESSION_COOKIE, { path: '/' });
  }

  @Get('me')
  @Access('self')
  @ApiOperation({ summary: 'Who is signed in, with their role, markets and permissions' })
  me(@CurrentUser() who: Principal): MeView {
    return toMeView(who);
  }

  @Post('tokens')
  @Access('self')
  @NoIdempotency()
  @ApiOperation({ summary: 'A personal API token for scripts and the CLI (Authorization: Bearer …); shown once' })
  async token(@CurrentUser() who: Principal, @Body() body: unknown, @Req() req: Request & { authVia?: string }): Promise<{ token: string; expiresAt: string }> {
    // A leaked token must not be able to renew itself: new tokens come from a signed-in session only.
    if (req.authVia !== 'session') throw new DomainError('TOKEN_FROM_TOKEN', 'API tokens are made from a signed-in session, not with another token', 'forbidden');
    const { label } = parseBody(apiTokenSchema, body);
    const { token, expiresAt } = await this.sessions.createApiToken(who, label);
    return { token, expiresAt: expiresAt.toISOString() };
  }

  @Get('tokens')
  @Access('self')
  @ApiOperation({ summary: 'My personal API tokens: label, created, expires, last used (never the secret)' })
  tokens(@CurrentUser() who: Principal): Promise<ApiTokenView[]> {
    return this.sessions.listApiTokens(who);
  }

  @Delete('tokens/:id')
  @Access('self')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke one of my API tokens' })
  revokeToken(@CurrentUser() who: Principal, @Param('id') id: string): Promise<void> {
    return this.sessions.revokeApiToken(who, id);
  }

  @Get('invitations/:token')
  @Public()
  @ApiOperation({ summary: 'What an invitation is for (e-mail, role, markets), before accepting it' })
  invitation(@Param('token') token: string): Promise<InvitationView> {
    return this.accounts.peekInvitation(token);
  }

  @Post('invitations/accept')
  @Public()
  @NoIdempotency()
  @ApiBody({ schema: z.toJSONSchema(acceptInvitationSchema) as object })
  @HttpCode(200)
  @ApiOperation({ summary: 'Accept an invitation: create the account with a name and password, and sign in' })
  async accept(@Req() req: Request, @Res({ passthrough: true }) res: Response): Promise<MeView> {
    requireJson(req);
    const principal = await this.accounts.acceptInvitation(req.body);
    const { token } = await this.sessions.issue(principal.id, 'session', null, this.config.auth.sessionTtlMs);
    res.cookie(SESSION_COOKIE, token, sessionCookieOptions(this.config.auth.cookieSecure, this.config.auth.sessionTtlMs));
    return toMeView(principal);
  }
}
