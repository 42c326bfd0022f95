import { Controller, MessageEvent, Param, Req, Sse } from '@nestjs/common';
import type { Request } from 'express';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Observable, from, map, mergeMap } from 'rxjs';
import { CampaignsService } from '../campaigns/campaigns.service';
import { CampaignEventsService } from './campaign-events.service';
import { Access } from '../auth/access.decorator';
import { SessionsService } from '../auth/sessions.service';

@ApiTags('campaigns')
@Controller('campaigns')
export class CampaignEventsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly events: CampaignEventsService,
    private readonly sessions: SessionsService,
  ) {}

  @Sse(':id/events')
  @Access('campaign:read')
  @ApiOperation({ summary: 'Server-sent events: a snapshot of the variants, then each change as it happens' })
  stream(@Param('id') id: string, @Req() req: Request): Observable<MessageEvent> {
    const events = from(this.campaigns.require(id)).pipe(
      mergeMap(() => this.events.stream(id)),
      map((data) => ({ data }) as MessageEvent),
    );
    return this.sessions.whileValid(req, 'campaign:read', events);
  }
}
