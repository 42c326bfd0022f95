import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { VariantView } from '@shotmatrix/contracts';
import { isUuid, notFound } from '@shotmatrix/domain';
import { CampaignsService } from './campaigns.service';
import { toVariantView } from './views';
import { Access } from '../auth/access.decorator';

@ApiTags('variants')
@Controller('variants')
export class VariantsController {
  constructor(private readonly campaigns: CampaignsService) {}

  @Get(':id')
  @Access('campaign:read')
  @ApiOperation({ summary: 'A variant with its render status, outputs and latest approval' })
  async get(@Param('id') id: string): Promise<VariantView> {
    const [row] = isUuid(id) ? await this.campaigns.variantRows('v.id = $1', [id]) : [];
    if (!row) throw notFound('variant', id);
    return toVariantView(this.campaigns.mediaUrl)(row);
  }
}
