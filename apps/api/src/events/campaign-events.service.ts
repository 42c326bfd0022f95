import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { filter, from, map, Observable, Subject } from 'rxjs';
import type { AppConfig } from '@shotmatrix/config';
import {
  ANALYSIS_EVENTS_CHANNEL,
  RENDER_EVENTS_CHANNEL,
  VARIANT_EVENTS_CHANNEL,
  type AnalysisChangedMessage,
  type VariantsChangedMessage,
  type CampaignEvent,
  type MasterShotView,
  type RenderChangedMessage,
} from '@shotmatrix/contracts';
import { MasterShotEntity } from '@shotmatrix/persistence';
import { MastersService } from '../masters/masters.service';
import { createRedis } from '@shotmatrix/queue';
import { CampaignsService } from '../campaigns/campaigns.service';
import { toVariantView, type VariantRow } from '../campaigns/views';
import { APP_CONFIG, REDIS } from '../common/tokens';
import { NotificationsService } from '../notifications/notifications.service';

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
    @Inject(REDIS) private readonly publisher: Redis,
    private readonly notifications: NotificationsService,
  ) {}

  private get variantChannel(): string {
    return `${this.config.queuePrefix}:${VARIANT_EVENTS_CHANNEL}`;
  }

  /** Tells every API process (this one included) that these variants changed, so open boards update. */
  async publishVariants(variantIds: string[]): Promise<void> {
    const msg: VariantsChangedMessage = { variantIds };
    await this.publisher.publish(this.variantChannel, JSON.stringify(msg)).catch((e) => this.log.warn(`variant event: ${(e as Error).message}`));
  }

  async onModuleInit(): Promise<void> {
    this.subscriber = createRedis(this.config.redisUrl, 'pubsub');
    const renderChannel = `${this.config.queuePrefix}:${RENDER_EVENTS_CHANNEL}`;
    const analysisChannel = `${this.config.queuePrefix}:${ANALYSIS_EVENTS_CHANNEL}`;
    await this.subscriber.subscribe(renderChannel, analysisChannel, this.variantChannel);
    this.subscriber.on('message', (channel, raw) => {
      if (channel === analysisChannel) return this.onAnalysis(raw);
      if (channel === this.variantChannel) return this.onVariants(raw);
      let msg: RenderChangedMessage;
      try {
        msg = JSON.parse(raw) as RenderChangedMessage;
      } catch {
        this.log.warn(`ignored a malformed render event: ${raw.slice(0, 200)}`);
        return;
      }
      this.campaigns
        .variantRows('v.render_key = $1', [msg.renderKey])
        .then(async (rows) => {
          rows.forEach((r) => this.changes.next(r));
          await this.notifyRender(msg.renderKey, rows);
        })
        .catch((e) => this.log.warn(`render event ${msg.renderKey}: ${(e as Error).message}`));
    });
  }

  /** A render that finished or failed: notifications and webhooks, once per campaign that uses it. */
  private async notifyRender(renderKey: string, rows: VariantRow[]): Promise<void> {
    const status = rows[0]?.status;
    if (status !== 'done' && status !== 'failed') return;
    const byCampaign = new Map<string, VariantRow[]>();
    for (const r of rows) byCampaign.set(r.campaign_id, [...(byCampaign.get(r.campaign_id) ?? []), r]);
    // The render's finish time keys the happening: every API process reads the same one.
    const at = rows[0].finished_at ? new Date(rows[0].finished_at).toISOString() : 'unknown';
    for (const [campaignId, list] of byCampaign) {
      await this.notifications.renderChanged(campaignId, list.map((r) => r.id), renderKey, status, list[0].error, at);
    }
  }

  private onVariants(raw: string): void {
    if (!this.changes.observed) return;
    let msg: VariantsChangedMessage;
    try {
      msg = JSON.parse(raw) as VariantsChangedMessage;
    } catch {
      this.log.warn(`ignored a malformed variant event: ${raw.slice(0, 200)}`);
      return;
    }
    this.campaigns
      .variantRows('v.id = ANY($1::uuid[])', [msg.variantIds])
      .then((rows) => rows.forEach((r) => this.changes.next(r)))
      .catch((e) => this.log.warn(`variant event: ${(e as Error).message}`));
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
      map((rows): CampaignEvent => ({ type: 'snapshot', variants: rows.map(toVariantView(this.campaigns.mediaUrl)) })),
    );
    const updates = this.changes.pipe(
      filter((r) => r.campaign_id === campaignId),
      map((r): CampaignEvent => ({ type: 'variant', variant: toVariantView(this.campaigns.mediaUrl)(r) })),
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
