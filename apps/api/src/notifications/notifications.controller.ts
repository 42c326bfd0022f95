import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@shotmatrix/auth';
import type { NotificationView } from '@shotmatrix/contracts';
import { DomainError } from '@shotmatrix/domain';
import { Access, CurrentUser } from '../auth/access.decorator';
import { NotificationsService } from './notifications.service';

@ApiTags('notifications')
@Controller('notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Access('self')
  @ApiOperation({ summary: 'My latest notifications, newest first' })
  list(@CurrentUser() who: Principal): Promise<NotificationView[]> {
    return this.notifications.list(who);
  }

  @Post('read')
  @Access('self')
  @HttpCode(204)
  @ApiOperation({ summary: 'Mark my notifications read (all, or up to { upTo: id })' })
  async read(@CurrentUser() who: Principal, @Body() body: { upTo?: unknown } | undefined): Promise<void> {
    const upTo = body?.upTo ?? null;
    if (upTo !== null && (typeof upTo !== 'string' || !/^\d{1,18}$/.test(upTo))) throw new DomainError('VALIDATION_FAILED', 'upTo must be a notification id');
    await this.notifications.markRead(who, upTo as string | null);
  }
}
