import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { Principal } from '@shotmatrix/auth';
import { webhookCreateSchema, type WebhookDeliveryView, type WebhookView } from '@shotmatrix/contracts';
import { Access, CurrentUser } from '../auth/access.decorator';
import { WebhooksService } from './webhooks.service';
import { NoIdempotency } from '../common/idempotency.interceptor';

@ApiTags('webhooks')
@Controller('webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  @Access('webhook:manage')
  @ApiOperation({ summary: 'Every webhook, newest first (secrets are never shown again)' })
  list(): Promise<WebhookView[]> {
    return this.webhooks.list();
  }

  @Post()
  @Access('webhook:manage')
  @NoIdempotency()
  @ApiOperation({
    summary: 'Register a webhook for some events; the response carries its signing secret, once',
    description:
      'Deliveries are POSTed as JSON with Shotmatrix-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">, ' +
      'Shotmatrix-Delivery: <id> (also the body\'s id; drop repeats) and Shotmatrix-Event. A non-2xx answer is retried after ' +
      '10 s, 1 min, 5 min, 30 min and 2 h; redirects are not followed.',
  })
  @ApiBody({ schema: z.toJSONSchema(webhookCreateSchema) as object })
  create(@Body() body: unknown, @CurrentUser() who: Principal): Promise<WebhookView> {
    return this.webhooks.create(body, who);
  }

  @Delete(':id')
  @Access('webhook:manage')
  @HttpCode(204)
  @ApiOperation({ summary: 'Disable a webhook: nothing more is sent to it; its delivery log stays' })
  async disable(@Param('id') id: string, @CurrentUser() who: Principal): Promise<void> {
    await this.webhooks.disable(id, who);
  }

  @Get(':id/deliveries')
  @Access('webhook:manage')
  @ApiOperation({ summary: 'The latest 50 deliveries with their status, attempts, last answer and error' })
  deliveries(@Param('id') id: string): Promise<WebhookDeliveryView[]> {
    return this.webhooks.deliveries(id);
  }

  @Post(':id/test')
  @Access('webhook:manage')
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a `ping` delivery now, to check the receiver and its signature check' })
  test(@Param('id') id: string, @CurrentUser() who: Principal): Promise<WebhookDeliveryView> {
    return this.webhooks.test(id, who);
  }
}
