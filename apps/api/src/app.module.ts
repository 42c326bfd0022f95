import { DynamicModule, Inject, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { ServeStaticModule } from '@nestjs/serve-static';
import { TypeOrmModule } from '@nestjs/typeorm';
import { existsSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import type { AppConfig } from '@shotmatrix/config';
import { OutboxRelay, RenderReconciler } from '@shotmatrix/dispatch';
import { dataSourceOptions } from '@shotmatrix/persistence';
import { createQueues, createRedis, type Queues } from '@shotmatrix/queue';
import { createObjectStore } from '@shotmatrix/storage';
import { TemplateRegistry } from '@shotmatrix/templating';
import { CampaignsController } from './campaigns/campaigns.controller';
import { CampaignsService } from './campaigns/campaigns.service';
import { ExpansionService } from './campaigns/expansion.service';
import { MatrixService } from './campaigns/matrix.service';
import { UploadsService } from './campaigns/uploads.service';
import { VariantsController } from './campaigns/variants.controller';
import { DomainErrorFilter } from './common/domain-error.filter';
import { IdempotencyInterceptor } from './common/idempotency.interceptor';
import { APP_CONFIG, MEDIA_TOOLS, OBJECT_STORE, OUTBOX_RELAY, QUEUES, REDIS, TEMPLATES } from './common/tokens';
import { CampaignEventsController } from './events/campaign-events.controller';
import { CampaignEventsService } from './events/campaign-events.service';
import { HealthController } from './health/health.controller';
import { MediaController } from './media/media.controller';
import { MastersController } from './masters/masters.controller';
import { MastersService } from './masters/masters.service';

/** Starts the outbox relay and the reconciler with the app and stops them, and the queues, with it. */
class DispatchLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private reconciler?: RenderReconciler;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(QUEUES) private readonly queues: Queues,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(OUTBOX_RELAY) private readonly relay: OutboxRelay | null,
    private readonly db: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    this.relay?.start();
    if (this.config.dispatch.relay) {
      this.reconciler = new RenderReconciler(this.db, this.queues, {
        intervalMs: this.config.dispatch.reconcileIntervalMs,
        staleAfterMs: this.config.dispatch.reconcileStaleMs,
        log: (m) => console.warn(m),
      });
      this.reconciler.start();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.reconciler?.stop();
    await this.relay?.stop();
    await Promise.all(Object.values(this.queues).map((q) => q.close()));
    await this.redis.quit().catch(() => undefined);
  }
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    const staticDashboard = existsSync(config.dashboardDir)
      ? [ServeStaticModule.forRoot({ rootPath: config.dashboardDir, exclude: ['/api/{*rest}'] })]
      : [];
    return {
      module: AppModule,
      imports: [TypeOrmModule.forRoot(dataSourceOptions(config.databaseUrl, 'shotmatrix-api')), ...staticDashboard],
      controllers: [CampaignsController, MastersController, VariantsController, CampaignEventsController, MediaController, HealthController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: DomainErrorFilter },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        { provide: REDIS, useFactory: () => createRedis(config.redisUrl, 'queue') },
        {
          provide: QUEUES,
          inject: [REDIS],
          useFactory: (redis: Redis) => createQueues({ connection: redis, prefix: config.queuePrefix, attempts: config.render.attempts }),
        },
        {
          provide: OUTBOX_RELAY,
          inject: [DataSource, QUEUES],
          useFactory: (db: DataSource, queues: Queues) =>
            config.dispatch.relay ? new OutboxRelay(db, queues, { log: (m) => console.warn(m) }) : null,
        },
        {
          provide: OBJECT_STORE,
          useFactory: async () => {
            const store = createObjectStore(config.storage);
            await store.ensureReady();
            return store;
          },
        },
        { provide: TEMPLATES, useFactory: () => new TemplateRegistry(config.templatesDir) },
        { provide: MEDIA_TOOLS, useValue: { ffmpegPath: config.ffmpegPath, ffprobePath: config.ffprobePath } },
        DispatchLifecycle,
        CampaignsService,
        MatrixService,
        ExpansionService,
        UploadsService,
        CampaignEventsService,
        MastersService,
      ],
    };
  }
}
