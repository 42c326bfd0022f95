import 'reflect-metadata';
import { mkdir } from 'node:fs/promises';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { AppConfig } from '@shotmatrix/config';
import { AppModule } from './app.module';

/** Builds the HTTP app; used by main.ts and by the integration tests. */
export async function createApiApp(config: AppConfig, opts: { logger?: false } = {}): Promise<NestExpressApplication> {
  await mkdir(config.workDir, { recursive: true });
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    logger: opts.logger ?? ['log', 'warn', 'error'],
    // Uploads are streamed by the upload service; JSON bodies stay small.
    bodyParser: true,
  });
  app.useBodyParser('json', { limit: '10mb' });
  // Campaign files and copy decks arrive as text and are parsed by @shotmatrix/campaign-files.
  app.useBodyParser('text', { type: ['application/yaml', 'application/x-yaml', 'text/yaml', 'text/csv', 'text/plain'], limit: '10mb' });
  app.setGlobalPrefix('api');
  app.enableShutdownHooks();
  const doc = new DocumentBuilder()
    .setTitle('Shotmatrix API')
    .setDescription('Campaigns, master shots, matrices and their rendered variants.')
    .setVersion('0.1')
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'api/docs/openapi.json' });
  return app;
}
