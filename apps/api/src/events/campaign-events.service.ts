import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { filter, from, map, Observable, Subject } from 'rxjs';
import type { AppConfig } from '@shotmatrix/config';
import {
  ANALYSIS_EVENTS_CHANNEL,
  RENDER_EVENTS_CHANNEL,
  type AnalysisChangedMessage,
  type CampaignEvent,
  type MasterShotView,
  type RenderChangedMessage,
} from '@shotmatrix/contracts';
import { MasterShotEntity } from '@shotmatrix/persistence';
import { MastersService } from '../masters/masters.service';
import { createRedis } from '@shotmatrix/queue';
import { CampaignsService } from '../campaigns/campaigns.service';
import { toVariantView, type VariantRow } from '../campaigns/views';
import { APP_CONFIG } from '../common/tokens';

/**
 * Fans the workers' "render changed" messages out to the browsers watching
 * the campaigns whose cells use that render. One Redis subscription per API
 * process, however many pages are open.
 */
@Injectable()
export class CampaignEventsService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(CampaignEventsService.name);
  private readonly changes = new Subject<VariantRow>();
  private readonly masterChanges = new Subject<{ campaignId: string; master: MasterShotView }>();
  private subscriber?: Redis;

  constructor(
    private readonly campaigns: CampaignsService,
    private readonly masters: MastersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.subscriber = createRedis(this.config.redisUrl, 'pubsub');
    const renderChannel = `${this.config.queuePrefix}:${RENDER_EVENTS_CHANNEL}`;
    const analysisChannel = `${this.config.queuePrefix}:${ANALYSIS_EVENTS_CHANNEL}`;
    await this.subscriber.subscribe(renderChannel, analysisChannel);
    this.subscriber.on('message', (channel, raw) => {
      if (channel === analysisChannel) return this.onAnalysis(raw);
      let msg: RenderChangedMessage;
      try {
        msg = JSON.parse(raw) as RenderChangedMessage;
      } catch {
        this.log.warn(`ignored a malformed render event: ${raw.slice(0, 200)}`);
        return;
      }
      if (!this.changes.observed) return;
      this.campaigns
        .variantRows('v.render_key = $1', [msg.renderKey])
        .then((rows) => rows.forEach((r) => this.changes.next(r)))
        .catch((e) => this.log.warn(`render event ${msg.renderKey}: ${(e as Error).message}`));
    });
  }

  private onAnalysis(raw: string): void {
    if (!this.masterChanges.observed) return;
    let msg: AnalysisChangedMessage;
    try {
      msg = JSON.parse(raw) as AnalysisChangedMessage;
    } catch {
      this.log.warn(`ignored a malformed analysis event: ${raw.slice(0, 200)}`);
      return;
    }
    // Every campaign whose current master is this content sees it.
    this.masters
      .currentBySha(msg.masterSha256)
      .then((list: MasterShotEntity[]) =>
        Promise.all(list.map(async (m) => this.masterChanges.next({ campaignId: m.campaignId, master: await this.masters.view(m) }))),
      )
      .catch((e) => this.log.warn(`analysis event ${msg.masterSha256}: ${(e as Error).message}`));
  }

  async onModuleDestroy(): Promise<void> {
    this.changes.complete();
    this.masterChanges.complete();
    await this.subscriber?.quit().catch(() => undefined);
  }

  /** A snapshot first, then every change, so a page that reconnects never misses a state. */
  stream(campaignId: string): Observable<CampaignEvent> {
    const snapshot = from(this.campaigns.variantRows('v.campaign_id = $1', [campaignId])).pipe(
      map((rows): CampaignEvent => ({ type: 'snapshot', variants: rows.map(toVariantView) })),
    );
    const updates = this.changes.pipe(
      filter((r) => r.campaign_id === campaignId),
      map((r): CampaignEvent => ({ type: 'variant', variant: toVariantView(r) })),
    );
    const masters = this.masterChanges.pipe(
      filter((m) => m.campaignId === campaignId),
      map((m): CampaignEvent => ({ type: 'master', master: m.master })),
    );
    return new Observable<CampaignEvent>((sub) => {
      // Subscribe to updates before the snapshot query so nothing slips between them.
      const u = updates.subscribe(sub);
      const mu = masters.subscribe(sub);
      const s = snapshot.subscribe({ next: (e) => sub.next(e), error: (e) => sub.error(e) });
      return () => {
        u.unsubscribe();
        mu.unsubscribe();
        s.unsubscribe();
      };
    });
  }
}
