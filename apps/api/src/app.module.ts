import { DynamicModule, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ServeStaticModule } from '@nestjs/serve-static';
import { TypeOrmModule } from '@nestjs/typeorm';
import { existsSync } from 'node:fs';
import type { Redis } from 'ioredis';
import type { AppConfig } from '@shotmatrix/config';
import { dataSourceOptions } from '@shotmatrix/persistence';
import { createRedis, createRenderQueue, type RenderQueue } from '@shotmatrix/queue';
import { createObjectStore } from '@shotmatrix/storage';
import { TemplateRegistry } from '@shotmatrix/templating';
import { CampaignsController } from './campaigns/campaigns.controller';
import { CampaignsService } from './campaigns/campaigns.service';
import { ExpansionService } from './campaigns/expansion.service';
import { MatrixService } from './campaigns/matrix.service';
import { UploadsService } from './campaigns/uploads.service';
import { VariantsController } from './campaigns/variants.controller';
import { DomainErrorFilter } from './common/domain-error.filter';
import { APP_CONFIG, MEDIA_TOOLS, OBJECT_STORE, REDIS, RENDER_QUEUE, TEMPLATES } from './common/tokens';
import { CampaignEventsController } from './events/campaign-events.controller';
import { CampaignEventsService } from './events/campaign-events.service';
import { HealthController } from './health/health.controller';
import { MediaController } from './media/media.controller';

/** Closes the queue connections the module opened, so shutdown is clean. */
class QueueLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(RENDER_QUEUE) private readonly queue: RenderQueue,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
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
      controllers: [CampaignsController, VariantsController, CampaignEventsController, MediaController, HealthController],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: APP_FILTER, useClass: DomainErrorFilter },
        { provide: REDIS, useFactory: () => createRedis(config.redisUrl, 'queue') },
        {
          provide: RENDER_QUEUE,
          inject: [REDIS],
          useFactory: (redis: Redis) => createRenderQueue({ connection: redis, prefix: config.queuePrefix, attempts: config.render.attempts }),
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
        QueueLifecycle,
        CampaignsService,
        MatrixService,
        ExpansionService,
        UploadsService,
        CampaignEventsService,
      ],
    };
  }
}
