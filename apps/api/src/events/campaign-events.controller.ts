import { Controller, MessageEvent, Param, Sse } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Observable, from, map, mergeMap } from 'rxjs';
import { CampaignsService } from '../campaigns/campaigns.service';
import { CampaignEventsService } from './campaign-events.service';
import { Access } from '../auth/access.decorator';

@ApiTags('campaigns')
@Controller('campaigns')
export class CampaignEventsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly events: CampaignEventsService,
  ) {}

  @Sse(':id/events')
  @Access('campaign:read')
  @ApiOperation({ summary: 'Server-sent events: a snapshot of the variants, then each change as it happens' })
  stream(@Param('id') id: string): Observable<MessageEvent> {
    return from(this.campaigns.require(id)).pipe(
      mergeMap(() => this.events.stream(id)),
      map((data) => ({ data }) as MessageEvent),
    );
  }
}
