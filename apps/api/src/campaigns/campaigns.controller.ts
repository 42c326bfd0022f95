import { Body, Controller, Get, HttpCode, Param, Post, Put, Req } from '@nestjs/common';
import { ApiBody, type ApiBodyOptions, ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { z } from 'zod';
import {
  createCampaignSchema,
  matrixSchema,
  type CampaignSummaryView,
  type CampaignView,
  type PlateView,
} from '@shotmatrix/contracts';
import { parseBody } from '../common/zod-body';
import { CampaignsService } from './campaigns.service';
import { ExpansionService } from './expansion.service';
import { MatrixService } from './matrix.service';
import { UploadsService } from './uploads.service';

const fileBody: ApiBodyOptions = {
  schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } }, required: ['file'] },
};

@ApiTags('campaigns')
@Controller('campaigns')
export class CampaignsController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly matrix: MatrixService,
    private readonly expansion: ExpansionService,
    private readonly uploads: UploadsService,
  ) {}

  @Get()
  @ApiOperation({ summary: 'List campaigns with their render progress' })
  list(): Promise<CampaignSummaryView[]> {
    return this.campaigns.list();
  }

  @Post()
  @ApiOperation({ summary: 'Create a campaign' })
  @ApiBody({ schema: z.toJSONSchema(createCampaignSchema) as object })
  create(@Body() body: unknown): Promise<CampaignView> {
    return this.campaigns.create(parseBody(createCampaignSchema, body).name);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A campaign with its master shot, plates, matrix and variants' })
  get(@Param('id') id: string): Promise<CampaignView> {
    return this.campaigns.view(id);
  }

  @Post(':id/master')
  @HttpCode(201)
  @ApiOperation({ summary: 'Upload the master shot (streamed multipart, field "file")' })
  @ApiConsumes('multipart/form-data')
  @ApiBody(fileBody)
  async uploadMaster(@Param('id') id: string, @Req() req: Request): Promise<CampaignView> {
    await this.campaigns.require(id);
    await this.uploads.uploadMaster(id, req);
    return this.campaigns.view(id);
  }

  @Post(':id/plates')
  @HttpCode(201)
  @ApiOperation({ summary: 'Upload a background plate image (JPEG, PNG or WebP; multipart field "file")' })
  @ApiConsumes('multipart/form-data')
  @ApiBody(fileBody)
  async uploadPlate(@Param('id') id: string, @Req() req: Request): Promise<PlateView> {
    await this.campaigns.require(id);
    return this.uploads.uploadPlate(id, req);
  }

  @Put(':id/matrix')
  @ApiOperation({ summary: 'Define the matrix: markets × labels × backgrounds' })
  @ApiBody({ schema: z.toJSONSchema(matrixSchema, { io: 'input' }) as object })
  async saveMatrix(@Param('id') id: string, @Body() body: unknown): Promise<CampaignView> {
    await this.campaigns.require(id);
    await this.matrix.save(id, body);
    return this.campaigns.view(id);
  }

  @Post(':id/expand')
  @HttpCode(200)
  @ApiOperation({ summary: 'Create one variant per matrix cell and queue the renders that are new or changed' })
  async expand(@Param('id') id: string): Promise<CampaignView> {
    await this.campaigns.require(id);
    await this.expansion.expand(id);
    return this.campaigns.view(id);
  }
}
