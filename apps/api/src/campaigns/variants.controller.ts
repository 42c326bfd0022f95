import { Controller, Get, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import type { VariantView } from '@shotmatrix/contracts';
import { notFound } from '@shotmatrix/domain';
import { VariantEntity } from '@shotmatrix/persistence';
import { isUuid } from './campaigns.service';
import { toVariantView } from './views';

@ApiTags('variants')
@Controller('variants')
export class VariantsController {
  constructor(private readonly db: DataSource) {}

  @Get(':id')
  @ApiOperation({ summary: 'A variant with its status and outputs' })
  async get(@Param('id') id: string): Promise<VariantView> {
    const v = isUuid(id) ? await this.db.getRepository(VariantEntity).findOneBy({ id }) : null;
    if (!v) throw notFound('variant', id);
    return toVariantView(v);
  }
}
