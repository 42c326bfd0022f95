import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import type { Redis } from 'ioredis';
import { REDIS } from '../common/tokens';
import { Public } from '../auth/access.decorator';

@ApiTags('ops')
@Controller('health')
export class HealthController {
  constructor(
    private readonly db: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Liveness of the API and its database and queue connections' })
  async health(): Promise<{ status: 'ok'; database: 'ok'; redis: 'ok' }> {
    await this.db.query('SELECT 1');
    await this.redis.ping();
    return { status: 'ok', database: 'ok', redis: 'ok' };
  }
}
