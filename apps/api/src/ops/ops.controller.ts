import { Controller, Get, HttpCode, MessageEvent, Param, Post, Req, Sse } from '@nestjs/common';
import type { Request } from 'express';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { map, Observable } from 'rxjs';
import type { Principal } from '@shotmatrix/auth';
import type { OpsActionView, OpsSummaryView } from '@shotmatrix/contracts';
import { Access, CurrentUser } from '../auth/access.decorator';
import { SessionsService } from '../auth/sessions.service';
import { OpsEventsService } from './ops-events.service';
import { OpsService } from './ops.service';

@ApiTags('ops')
@Controller('ops')
export class OpsController {
  constructor(
    private readonly ops: OpsService,
    private readonly events: OpsEventsService,
    private readonly sessions: SessionsService,
  ) {}

  @Get('summary')
  @Access('ops:read')
  @ApiOperation({ summary: 'Queue depths and workers, throughput, campaigns in progress with ETA, latest failures and renders in flight' })
  summary(): Promise<OpsSummaryView> {
    return this.ops.summary();
  }

  @Sse('events')
  @Access('ops:read')
  @ApiOperation({ summary: 'Server-sent events: the summary at once, then again after render or analysis changes (at most once a second)' })
  stream(@Req() req: Request): Observable<MessageEvent> {
    return this.sessions.whileValid(req, 'ops:read', this.events.stream().pipe(map((data) => ({ data }) as MessageEvent)));
  }

  @Post('renders/:renderKey/retry')
  @Access('ops:operate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Queue a failed render again (409 unless it failed)' })
  retry(@Param('renderKey') key: string, @CurrentUser() who: Principal): Promise<OpsActionView> {
    return this.ops.retry(key, who);
  }

  @Post('renders/:renderKey/cancel')
  @Access('ops:operate')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancel a waiting, queued or rendering render: it fails as "cancelled: by <you>" and is not retried (409 once done or failed)' })
  cancel(@Param('renderKey') key: string, @CurrentUser() who: Principal): Promise<OpsActionView> {
    return this.ops.cancel(key, who);
  }
}
