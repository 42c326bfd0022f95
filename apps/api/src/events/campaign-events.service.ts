import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Observable, Subject, filter, map, mergeMap, from } from 'rxjs';
import { DataSource } from 'typeorm';
import { VARIANT_EVENTS_CHANNEL, type CampaignEvent, type VariantChangedMessage } from '@shotmatrix/contracts';
import { VariantEntity } from '@shotmatrix/persistence';
import { createRedis } from '@shotmatrix/queue';
import { APP_CONFIG } from '../common/tokens';
import type { AppConfig } from '@shotmatrix/config';
import { toVariantView } from '../campaigns/views';

/**
 * Fans the worker's "variant changed" messages out to the browsers watching
 * that campaign. One Redis subscription per API process, however many pages
 * are open.
 */
@Injectable()
export class CampaignEventsService implements OnModuleInit, OnModuleDestroy {
  private readonly log = new Logger(CampaignEventsService.name);
  private readonly changes = new Subject<VariantChangedMessage>();
  private subscriber?: Redis;

  constructor(
    private readonly db: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    this.subscriber = createRedis(this.config.redisUrl, 'pubsub');
    await this.subscriber.subscribe(`${this.config.queuePrefix}:${VARIANT_EVENTS_CHANNEL}`);
    this.subscriber.on('message', (_channel, raw) => {
      try {
        this.changes.next(JSON.parse(raw) as VariantChangedMessage);
      } catch {
        this.log.warn(`ignored a malformed variant event: ${raw.slice(0, 200)}`);
      }
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.changes.complete();
    await this.subscriber?.quit().catch(() => undefined);
  }

  /** A snapshot first, then every change, so a page that reconnects never misses a state. */
  stream(campaignId: string): Observable<CampaignEvent> {
    const snapshot = from(
      this.db.getRepository(VariantEntity).find({ where: { campaignId } }),
    ).pipe(map((rows): CampaignEvent => ({ type: 'snapshot', variants: rows.map(toVariantView) })));
    const updates = this.changes.pipe(
      filter((m) => m.campaignId === campaignId),
      mergeMap((m) => from(this.db.getRepository(VariantEntity).findOneBy({ id: m.variantId }))),
      filter((v): v is VariantEntity => !!v),
      map((v): CampaignEvent => ({ type: 'variant', variant: toVariantView(v) })),
    );
    return new Observable<CampaignEvent>((sub) => {
      // Subscribe to updates before the snapshot query so nothing slips between them.
      const u = updates.subscribe(sub);
      const s = snapshot.subscribe({ next: (e) => sub.next(e), error: (e) => sub.error(e) });
      return () => {
        u.unsubscribe();
        s.unsubscribe();
      };
    });
  }
}
