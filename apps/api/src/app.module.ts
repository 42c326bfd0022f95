import { DynamicModule, Inject, MiddlewareConsumer, Module, NestModule, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ServeStaticModule } from '@nestjs/serve-static';
import { TypeOrmModule } from '@nestjs/typeorm';
import { existsSync } from 'node:fs';
import type { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { mediaSigner } from '@shotmatrix/auth';
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
import { AccountsController } from './auth/accounts.controller';
import { AccountsService } from './auth/accounts.service';
import { AuthController } from './auth/auth.controller';
import { AuthGuard } from './auth/auth.guard';
import { requestContextMiddleware } from './auth/request-context';
import { SessionsService } from './auth/sessions.service';
import { AuditController } from './audit/audit.controller';
import { NotificationsController } from './notifications/notifications.controller';
import { NotificationsService } from './notifications/notifications.service';
import { ReviewsController } from './reviews/reviews.controller';
import { ReviewsService } from './reviews/reviews.service';
import { AuditService } from './audit/audit.service';
import { APP_CONFIG, MEDIA_SIGNER, MEDIA_TOOLS, OBJECT_STORE, OUTBOX_RELAY, QUEUES, REDIS, TEMPLATES } from './common/tokens';
import { CampaignEventsController } from './events/campaign-events.controller';
import { CampaignEventsService } from './events/campaign-events.service';
import { HealthController } from './health/health.controller';
import { MediaController } from './media/media.controller';
import { MastersController } from './masters/masters.controller';
import { MastersService } from './masters/masters.service';
import { OpsController } from './ops/ops.controller';
import { OpsEventsService } from './ops/ops-events.service';
import { OpsService } from './ops/ops.service';
import { WebhookDeliverer } from './webhooks/webhook-deliverer';
import { WebhooksController } from './webhooks/webhooks.controller';
import { WebhooksService } from './webhooks/webhooks.service';

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
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(requestContextMiddleware).forRoutes('{*path}');
  }

  static forRoot(config: AppConfig): DynamicModule {
    const mediaUrlSecret = config.auth.mediaUrlSecret;
    if (!mediaUrlSecret) throw new Error('MEDIA_URL_SECRET is required by the API (it signs media URLs): set it to 32 or more random characters');
    const staticDashboard = existsSync(config.dashboardDir)
      ? [ServeStaticModule.forRoot({ rootPath: config.dashboardDir, exclude: ['/api/{*rest}'] })]
      : [];
    return {
      module: AppModule,
      imports: [TypeOrmModule.forRoot(dataSourceOptions(config.databaseUrl, 'shotmatrix-api')), ...staticDashboard],
      controllers: [
        AuthController,
        AccountsController,
        AuditController,
        ReviewsController,
        NotificationsController,
        WebhooksController,
        CampaignsController,
        MastersController,
        VariantsController,
        CampaignEventsController,
        OpsController,
        MediaController,
        HealthController,
      ],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: DomainErrorFilter },
        { provide: APP_GUARD, useClass: AuthGuard },
        {
          provide: MEDIA_SIGNER,
          // Expiry rounded to a tenth of the lifetime: URLs stay stable (cacheable) for a while.
          useValue: mediaSigner({ secret: mediaUrlSecret, ttlS: config.auth.mediaUrlTtlS, windowS: Math.max(60, Math.round(config.auth.mediaUrlTtlS / 10)) }),
        },
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
        OpsService,
        OpsEventsService,
        MastersService,
        AuditService,
        SessionsService,
        AccountsService,
        ReviewsService,
        NotificationsService,
        WebhooksService,
        WebhookDeliverer,
      ],
    };
  }
}
