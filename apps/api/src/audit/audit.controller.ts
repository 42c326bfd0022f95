import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { AuditEntryView } from '@shotmatrix/contracts';
import { DomainError, isUuid } from '@shotmatrix/domain';
import { Access } from '../auth/access.decorator';
import { AuditService } from './audit.service';

@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @Access('audit:read')
  @ApiOperation({ summary: 'The audit log, newest first: who changed what, when, from what to what' })
  @ApiQuery({ name: 'campaign', required: false })
  @ApiQuery({ name: 'entity', required: false })
  @ApiQuery({ name: 'entityId', required: false })
  @ApiQuery({ name: 'before', required: false, description: 'Entries older than this id (paging)' })
  @ApiQuery({ name: 'limit', required: false })
  list(
    @Query('campaign') campaign?: string,
    @Query('entity') entity?: string,
    @Query('entityId') entityId?: string,
    @Query('before') before?: string,
    @Query('limit') limit?: string,
  ): Promise<AuditEntryView[]> {
    if (campaign !== undefined && !isUuid(campaign)) throw new DomainError('VALIDATION_FAILED', `campaign must be a campaign id, got "${campaign}"`);
    if (before !== undefined && !/^\d{1,18}$/.test(before)) throw new DomainError('VALIDATION_FAILED', `before must be an entry id, got "${before}"`);
    const n = limit === undefined ? 100 : Number(limit);
    if (!Number.isInteger(n) || n < 1 || n > 1000) throw new DomainError('VALIDATION_FAILED', `limit must be a whole number from 1 to 1000, got "${limit}"`);
    return this.audit.list({ campaignId: campaign, entity, entityId, beforeId: before, limit: n });
  }
}
