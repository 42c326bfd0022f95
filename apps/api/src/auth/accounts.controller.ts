import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { Principal } from '@shotmatrix/auth';
import { accountUpdateSchema, inviteSchema, type AccountView, type InvitationView } from '@shotmatrix/contracts';
import { NoIdempotency } from '../common/idempotency.interceptor';
import { Access, CurrentUser } from './access.decorator';
import { AccountsService } from './accounts.service';

@ApiTags('accounts')
@Controller('accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Get()
  @Access('account:manage')
  @ApiOperation({ summary: 'Every account with its role and markets' })
  list(): Promise<AccountView[]> {
    return this.accounts.list();
  }

  @Post('invitations')
  @Access('account:manage')
  @NoIdempotency()
  @ApiOperation({ summary: 'Invite someone with a role (brand managers with their markets); returns the link to send them, once' })
  @ApiBody({ schema: z.toJSONSchema(inviteSchema, { io: 'input' }) as object })
  invite(@Body() body: unknown, @CurrentUser() who: Principal): Promise<InvitationView> {
    return this.accounts.invite(body, who);
  }

  @Get('invitations')
  @Access('account:manage')
  @ApiOperation({ summary: 'Invitations not yet accepted and still good' })
  invitations(): Promise<InvitationView[]> {
    return this.accounts.pendingInvitations();
  }

  @Delete('invitations/:id')
  @Access('account:manage')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke a pending invitation: its link stops working' })
  revoke(@Param('id') id: string): Promise<void> {
    return this.accounts.revokeInvitation(id);
  }

  @Patch(':id')
  @Access('account:manage')
  @ApiOperation({ summary: 'Change a role, markets or name, or disable an account (its sessions end)' })
  @ApiBody({ schema: z.toJSONSchema(accountUpdateSchema) as object })
  update(@Param('id') id: string, @Body() body: unknown, @CurrentUser() who: Principal): Promise<AccountView> {
    return this.accounts.update(id, body, who);
  }
}
